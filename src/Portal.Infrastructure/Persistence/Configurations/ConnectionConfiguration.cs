namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Sources;

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Bucket).HasMaxLength(63);
        builder.Property(c => c.Region).HasMaxLength(64);
        builder.Property(c => c.Prefix).HasMaxLength(512);
        builder.Property(c => c.Endpoint).HasMaxLength(512);
        builder.Property(c => c.StsEndpoint).HasMaxLength(512);
        builder.Property(c => c.KmsKeyArn).HasMaxLength(2048);
        builder.Property(c => c.RoleArn).HasMaxLength(2048);
        builder.Property(c => c.ExternalId).HasMaxLength(64);
        builder.Property(c => c.AccessKeyId).HasMaxLength(128);
        builder.Property(c => c.SecretAccessKeyHint).HasMaxLength(8);
        builder.Property(c => c.Template).HasMaxLength(1024);
        builder.Property(c => c.Format).HasMaxLength(16);
        builder.Property(c => c.Compression).HasMaxLength(16);
        builder.Property(c => c.CompressionLevel).HasMaxLength(16);
        builder.Property(c => c.Schedule).HasMaxLength(128);
        builder.Property(c => c.ExternalIdCheckedFor).HasMaxLength(64);
        builder.Property(c => c.ExternalIdProblem).HasMaxLength(2000);
        builder.Property(c => c.PausedReason).HasMaxLength(500);
        builder.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Source>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Streams).WithOne().HasForeignKey(s => s.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.Schedules).WithOne().HasForeignKey(s => s.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        // Names are unique among a customer's live connections; an archived one keeps its name for its history.
        builder.HasIndex(c => new { c.CustomerId, c.Name }).IsUnique().HasFilter("\"ArchivedAt\" IS NULL");
    }
}
