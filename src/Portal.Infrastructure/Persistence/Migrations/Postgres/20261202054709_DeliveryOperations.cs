using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeliveryOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CursorFrom",
                table: "RunStreams",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CursorTo",
                table: "RunStreams",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BackfillJson",
                table: "Runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RedeliveryOfId",
                table: "Runs",
                type: "bigint",
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
                name: "CursorFrom",
                table: "RunStreams");

            migrationBuilder.DropColumn(
                name: "CursorTo",
                table: "RunStreams");

            migrationBuilder.DropColumn(
                name: "BackfillJson",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "RedeliveryOfId",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Manifests",
                table: "Connections");
        }
    }
}
