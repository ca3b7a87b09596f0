namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;
using Portal.Core.Runs;

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        // Connections are archived, never removed while they have runs: a run's history outlives its connection.
        builder.HasOne<Connection>().WithMany().HasForeignKey(r => r.ConnectionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Run>().WithMany().HasForeignKey(r => r.RerunOfId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Run>().WithMany().HasForeignKey(r => r.PreviousAttemptId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(r => r.Streams).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany<RunEvent>().WithOne().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Error).HasMaxLength(8000);
        builder.Property(r => r.ErrorStep).HasMaxLength(500);
        builder.Property(r => r.KeysJson);
        builder.Property(r => r.DumpFolder).HasMaxLength(64);
        builder.Property(r => r.Node).HasMaxLength(200);
        // The runs list pages newest first (by id) within a customer, a connection or a status, so each
        // filter walks its index in order and stops after a page; the time range has its own.
        builder.HasIndex(r => new { r.CustomerId, r.Id });
        builder.HasIndex(r => new { r.ConnectionId, r.Id });
        builder.HasIndex(r => new { r.Status, r.Id, r.Resolved }); // Resolved last: ordered by id within a status, counted from the index alone
        builder.HasIndex(r => r.QueuedAt);
    }
}
