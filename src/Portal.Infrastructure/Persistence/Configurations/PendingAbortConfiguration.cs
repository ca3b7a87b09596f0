namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;
using Portal.Core.Runs;

internal sealed class PendingAbortConfiguration : IEntityTypeConfiguration<PendingAbort>
{
    public void Configure(EntityTypeBuilder<PendingAbort> builder)
    {
        builder.Property(p => p.Key).HasMaxLength(1024);
        builder.Property(p => p.UploadId).HasMaxLength(1024);
        builder.HasOne<Connection>().WithMany().HasForeignKey(p => p.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => p.ConnectionId);
    }
}
