namespace Portal.Infrastructure.Persistence.Configurations;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Runs;

internal sealed class RunEventConfiguration : IEntityTypeConfiguration<RunEvent>
{
    public void Configure(EntityTypeBuilder<RunEvent> builder)
    {
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Stream).HasMaxLength(200);
        builder.Property(e => e.Message).HasMaxLength(4000);
        builder.HasIndex(e => new { e.RunId, e.Id });
    }
}
