namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;

internal sealed class ArtifactScheduleConfiguration : IEntityTypeConfiguration<ArtifactSchedule>
{
    public void Configure(EntityTypeBuilder<ArtifactSchedule> builder)
    {
        // Ids are made by the entity itself: a new one added through its parent's collection must be
        // inserted, not taken for an existing row (EF's default for generated keys).
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(128);
        builder.Property(s => s.Cron).HasMaxLength(128);
        builder.HasMany(s => s.Commands).WithOne().HasForeignKey(c => c.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ConnectionId, s.Name }).IsUnique();
    }
}

internal sealed class ArtifactCommandConfiguration : IEntityTypeConfiguration<ArtifactCommand>
{
    public void Configure(EntityTypeBuilder<ArtifactCommand> builder)
    {
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Command).HasMaxLength(200);
        builder.Property(c => c.Folder).HasMaxLength(1024);
    }
}
