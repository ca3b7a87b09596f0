using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
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

            migrationBuilder.AlterColumn<string>(
                name: "CursorValue",
                table: "Streams",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CursorKind",
                table: "Streams",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CancelRequestedAt",
                table: "Runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DumpFolder",
                table: "Runs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Node",
                table: "Runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArchivedAt",
                table: "Connections",
                type: "timestamp with time zone",
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

            migrationBuilder.AlterColumn<string>(
                name: "CursorValue",
                table: "Streams",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);

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
