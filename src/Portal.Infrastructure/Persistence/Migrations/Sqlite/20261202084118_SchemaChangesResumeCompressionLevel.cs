using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SchemaChangesResumeCompressionLevel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SchemaJson",
                table: "Streams",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SchemaKey",
                table: "Streams",
                type: "TEXT",
                maxLength: 1200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResumeOfId",
                table: "Runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompressionLevel",
                table: "Connections",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "optimal");

            migrationBuilder.AddColumn<string>(
                name: "OnSchemaChange",
                table: "Connections",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "CarryOn");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SchemaJson",
                table: "Streams");

            migrationBuilder.DropColumn(
                name: "SchemaKey",
                table: "Streams");

            migrationBuilder.DropColumn(
                name: "ResumeOfId",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "CompressionLevel",
                table: "Connections");

            migrationBuilder.DropColumn(
                name: "OnSchemaChange",
                table: "Connections");
        }
    }
}
