using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunHeartbeatsStepsAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_ConnectionId_QueuedAt",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_CustomerId_QueuedAt",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_Status_QueuedAt",
                table: "Runs");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "FinishedAt",
                table: "RunStreams",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StartedAt",
                table: "RunStreams",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Total",
                table: "RunStreams",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ErrorStep",
                table: "Runs",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HeartbeatAt",
                table: "Runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PreviousAttemptId",
                table: "Runs",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_ConnectionId_Id",
                table: "Runs",
                columns: new[] { "ConnectionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_CustomerId_Id",
                table: "Runs",
                columns: new[] { "CustomerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_PreviousAttemptId",
                table: "Runs",
                column: "PreviousAttemptId");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_QueuedAt",
                table: "Runs",
                column: "QueuedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Status_Id_Resolved",
                table: "Runs",
                columns: new[] { "Status", "Id", "Resolved" });

            migrationBuilder.AddForeignKey(
                name: "FK_Runs_Runs_PreviousAttemptId",
                table: "Runs",
                column: "PreviousAttemptId",
                principalTable: "Runs",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Runs_Runs_PreviousAttemptId",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_ConnectionId_Id",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_CustomerId_Id",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_PreviousAttemptId",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_QueuedAt",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_Status_Id_Resolved",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "FinishedAt",
                table: "RunStreams");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "RunStreams");

            migrationBuilder.DropColumn(
                name: "Total",
                table: "RunStreams");

            migrationBuilder.DropColumn(
                name: "ErrorStep",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "HeartbeatAt",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "PreviousAttemptId",
                table: "Runs");

            migrationBuilder.CreateIndex(
                name: "IX_Runs_ConnectionId_QueuedAt",
                table: "Runs",
                columns: new[] { "ConnectionId", "QueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_CustomerId_QueuedAt",
                table: "Runs",
                columns: new[] { "CustomerId", "QueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_Status_QueuedAt",
                table: "Runs",
                columns: new[] { "Status", "QueuedAt" });
        }
    }
}
