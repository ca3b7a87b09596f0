namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Runs;
using Portal.Infrastructure.Persistence;

/// <summary>Reads runs through the tenant filter for pages and endpoints: lists, a run's detail and events, a connection's history.</summary>
public sealed class RunQueries(IDbContextFactory<PortalDbContext> contexts)
{
    public const int MaxPageSize = 200;

    // Runs name their connection even once it was deleted (archived).
    private static readonly string[] LiveOnly = [PortalDbContext.LiveFilter];

    /// <summary>A page of runs, newest first, through the tenant filter; paging and filters run in the database.</summary>
    public async Task<(IReadOnlyList<Run> Items, int Total)> ListAsync(RunQuery q, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filter(db, q);
        var total = await query.CountAsync(ct);
        var size = Math.Clamp(q.PageSize, 1, MaxPageSize);
        var page = Math.Clamp(q.Page, 1, RunQuery.MaxPage(size));
        var items = await query.OrderByDescending(r => r.Id).Skip((page - 1) * size).Take(size)
            .Include(r => r.Streams).AsNoTracking().ToListAsync(ct);
        if (!db.SeesAllCustomers) foreach (var r in items) r.Error = RunFailure.ForCustomer(r.Error);
        return (items, total);
    }

    /// <summary>How many runs match the filters (no page is read).</summary>
    public async Task<int> CountAsync(RunQuery q, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Filter(db, q).CountAsync(ct);
    }

    /// <summary>A run with everything its page shows, through the tenant filter; null when the caller may not see it.</summary>
    public async Task<RunDetail?> DetailAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null) return null;
        var names = await db.Connections.IgnoreQueryFilters([PortalDbContext.LiveFilter]).AsNoTracking().Where(c => c.Id == run.ConnectionId)
            .Select(c => new { c.Name, c.Prefix, Customer = db.Customers.Where(x => x.Id == c.CustomerId).Select(x => x.Name).FirstOrDefault() })
            .FirstAsync(ct);
        var reruns = await db.Runs.Where(r => r.RerunOfId == id).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);

        // The chain of attempts: back through the attempts this one retries, then forward through its retries.
        var attempts = new List<Run> { run };
        for (var back = run.PreviousAttemptId; back is { } b && attempts.Count < 50;)
        {
            var previous = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == b, ct);
            if (previous is null) break;
            attempts.Insert(0, previous);
            back = previous.PreviousAttemptId;
        }
        for (var last = run.Id; attempts.Count < 50;)
        {
            var next = await db.Runs.AsNoTracking().Include(r => r.Streams).Where(r => r.PreviousAttemptId == last).OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
            if (next is null) break;
            attempts.Add(next);
            last = next.Id;
        }
        var ids = attempts.Select(a => a.Id).ToList();
        var events = await db.RunEvents.AsNoTracking().Where(e => ids.Contains(e.RunId)).OrderBy(e => e.Id).Take(5000).ToListAsync(ct);
        // A Customer sees the step and the cause, not the portal's hosts, ports and paths.
        if (!db.SeesAllCustomers)
        {
            foreach (var a in attempts) a.Error = RunFailure.ForCustomer(a.Error);
            foreach (var e in events) e.Message = RunFailure.ForCustomer(e.Message) ?? "";
        }
        return new RunDetail(run, names.Name, names.Customer ?? "", names.Prefix, reruns, attempts, events);
    }

    /// <summary>The last <paramref name="count"/> finished runs of a connection, oldest first, for its chart.</summary>
    public async Task<IReadOnlyList<RunHistoryPoint>> HistoryAsync(Guid connectionId, int count, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var runs = await db.Runs.AsNoTracking().Where(r => r.ConnectionId == connectionId && r.FinishedAt != null)
            .OrderByDescending(r => r.Id).Take(count)
            .Select(r => new { r.Id, r.QueuedAt, r.Status, r.StartedAt, r.FinishedAt, r.Bytes, r.Rows }).ToListAsync(ct);
        return runs.OrderBy(r => r.Id)
            .Select(r => new RunHistoryPoint(r.Id, r.QueuedAt, r.Status, r.StartedAt is { } s ? (r.FinishedAt!.Value - s).TotalSeconds : null, r.Bytes, r.Rows))
            .ToList();
    }

    internal static IQueryable<Run> Filter(PortalDbContext db, RunQuery q)
    {
        var runs = db.Runs.AsQueryable();
        // The tenant filter says "sees all OR this customer", which no index serves; said again plainly,
        // a customer's page walks the (CustomerId, Id) index.
        if (!db.SeesAllCustomers && db.VisibleCustomerId is { } visible) runs = runs.Where(r => r.CustomerId == visible);
        if (q.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (q.Statuses is { Count: > 0 } statuses) runs = runs.Where(r => statuses.Contains(r.Status));
        // A failure needs attention until a later success resolves it; an attempt that was retried is represented by its retry.
        // A failure of a deleted (archived) connection needs no one's attention any more.
        if (q.NeedsAttention)
            runs = runs.Where(r => r.Status == RunStatus.Failed && !r.Resolved && !db.Runs.Any(x => x.PreviousAttemptId == r.Id) && db.Connections.Any(c => c.Id == r.ConnectionId));
        if (q.ConnectionId is { } connection) runs = runs.Where(r => r.ConnectionId == connection);
        if (q.CustomerId is { } customer) runs = runs.Where(r => r.CustomerId == customer);
        if (q.Kind is { } kind) runs = runs.Where(r => r.Kind == kind);
        if (q.Trigger is { } trigger) runs = runs.Where(r => r.Trigger == trigger);
        if (q.From is { } from) runs = runs.Where(r => r.QueuedAt >= from);
        if (q.To is { } to) runs = runs.Where(r => r.QueuedAt < to);
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var text = q.Search.Trim();
            runs = runs.Where(r => (r.Error != null && r.Error.Contains(text)) || db.Connections.IgnoreQueryFilters(LiveOnly).Any(c => c.Id == r.ConnectionId && c.Name.Contains(text)));
        }
        return runs;
    }

    /// <summary>A run's events, oldest first; null when the caller may not see the run. A Customer sees the step and the cause, not the portal's hosts, ports and paths.</summary>
    public async Task<IReadOnlyList<RunEvent>?> EventsAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The run goes through the tenant filter; its events have none of their own.
        if (!await db.Runs.AnyAsync(r => r.Id == id, ct)) return null;
        var events = await db.RunEvents.AsNoTracking().Where(e => e.RunId == id).OrderBy(e => e.Id).ToListAsync(ct);
        if (!db.SeesAllCustomers) foreach (var e in events) e.Message = RunFailure.ForCustomer(e.Message) ?? "";
        return events;
    }
}
