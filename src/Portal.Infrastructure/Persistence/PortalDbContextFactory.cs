namespace Portal.Infrastructure.Persistence;

using Microsoft.EntityFrameworkCore;

/// <summary>
/// Hands out the provider's context as the common <see cref="PortalDbContext"/>, so the rest of the
/// code never knows which database it runs on.
/// </summary>
internal sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
    where TContext : PortalDbContext
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();
}
