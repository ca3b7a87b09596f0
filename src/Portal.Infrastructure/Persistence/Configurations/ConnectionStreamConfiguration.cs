namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Connections;

internal sealed class ConnectionStreamConfiguration : IEntityTypeConfiguration<ConnectionStream>
{
    public void Configure(EntityTypeBuilder<ConnectionStream> builder)
    {
        // Ids are made by the entity itself: a new one added through its parent's collection must be
        // inserted, not taken for an existing row (EF's default for generated keys).
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.ToTable("Streams");
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Table).HasMaxLength(200);
        builder.Property(s => s.CursorColumn).HasMaxLength(200);
        builder.Property(s => s.CursorStart).HasMaxLength(64);
        builder.Property(s => s.CursorValue).HasMaxLength(200);
        builder.Property(s => s.CursorKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.SchemaKey).HasMaxLength(1200);
        builder.HasIndex(s => new { s.ConnectionId, s.Name }).IsUnique();
    }
}
