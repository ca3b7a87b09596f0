namespace Portal.Infrastructure.Audit;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Infrastructure.Persistence;

/// <summary>Reads the audit log, newest first, through the tenant filter.</summary>
public sealed class AuditQueries(IDbContextFactory<PortalDbContext> contexts)
{
    public const int MaxPageSize = 200;

    /// <summary>A page (from 0) of entries, optionally of one action on one entity, and how many there are in all.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> PageAsync(int page, int pageSize, CancellationToken ct,
        string? action = null, string? entityId = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (action is not null) query = query.Where(a => a.Action == action);
        if (entityId is not null) query = query.Where(a => a.EntityId == entityId);
        var total = await query.CountAsync(ct);
        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var items = await query.OrderByDescending(a => a.Id).Skip(Math.Max(0, page) * size).Take(size).ToListAsync(ct);
        return (items, total);
    }
}
