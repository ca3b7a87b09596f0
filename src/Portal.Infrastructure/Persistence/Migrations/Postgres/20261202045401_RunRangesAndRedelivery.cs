using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunRangesAndRedelivery : Migration
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

            migrationBuilder.AddColumn<long>(
                name: "RedeliveryOfId",
                table: "Runs",
                type: "bigint",
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
                name: "RedeliveryOfId",
                table: "Runs");
        }
    }
}
