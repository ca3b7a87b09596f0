namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Runs;

internal sealed class RunStreamConfiguration : IEntityTypeConfiguration<RunStream>
{
    public void Configure(EntityTypeBuilder<RunStream> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasIndex(s => new { s.RunId, s.Name }).IsUnique();
    }
}
