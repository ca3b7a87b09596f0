namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;
using Portal.Core.Runs;

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.HasOne<Connection>().WithMany().HasForeignKey(r => r.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Run>().WithMany().HasForeignKey(r => r.RerunOfId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(r => r.Streams).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany<RunEvent>().WithOne().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Error).HasMaxLength(8000);
        builder.Property(r => r.KeysJson);
        // The runs list pages by time within a customer, a connection or a status.
        builder.HasIndex(r => new { r.CustomerId, r.QueuedAt });
        builder.HasIndex(r => new { r.ConnectionId, r.QueuedAt });
        builder.HasIndex(r => new { r.Status, r.QueuedAt });
    }
}
