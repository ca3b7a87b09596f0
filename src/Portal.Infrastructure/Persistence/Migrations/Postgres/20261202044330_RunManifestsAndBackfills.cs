using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunManifestsAndBackfills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BackfillJson",
                table: "Runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Manifests",
                table: "Connections",
                type: "boolean",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BackfillJson",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Manifests",
                table: "Connections");
        }
    }
}
