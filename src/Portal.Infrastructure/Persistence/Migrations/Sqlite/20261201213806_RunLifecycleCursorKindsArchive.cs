using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunLifecycleCursorKindsArchive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Runs_Connections_ConnectionId",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Connections_CustomerId_Name",
                table: "Connections");

            migrationBuilder.AddColumn<string>(
                name: "CursorKind",
                table: "Streams",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CancelRequestedAt",
                table: "Runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DumpFolder",
                table: "Runs",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Node",
                table: "Runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ArchivedAt",
                table: "Connections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Connections_CustomerId_Name",
                table: "Connections",
                columns: new[] { "CustomerId", "Name" },
                unique: true,
                filter: "\"ArchivedAt\" IS NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_Runs_Connections_ConnectionId",
                table: "Runs",
                column: "ConnectionId",
                principalTable: "Connections",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Runs_Connections_ConnectionId",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Connections_CustomerId_Name",
                table: "Connections");

            migrationBuilder.DropColumn(
                name: "CursorKind",
                table: "Streams");

            migrationBuilder.DropColumn(
                name: "CancelRequestedAt",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "DumpFolder",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Node",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "Connections");

            migrationBuilder.CreateIndex(
                name: "IX_Connections_CustomerId_Name",
                table: "Connections",
                columns: new[] { "CustomerId", "Name" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Runs_Connections_ConnectionId",
                table: "Runs",
                column: "ConnectionId",
                principalTable: "Connections",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
