namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Runs;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Quartz;

/// <summary>What operators do with runs: list them, rerun failures (one or all matching), cancel a running one.</summary>
public sealed class RunActions(IDbContextFactory<PortalDbContext> contexts, RunRecorder recorder, ConnectionScheduler scheduler, ISchedulerFactory quartz)
{
    public const int MaxPageSize = 200;

    /// <summary>A page of runs, newest first, through the tenant filter; paging and filters run in the database.</summary>
    public async Task<(IReadOnlyList<Run> Items, int Total)> ListAsync(RunQuery q, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = Filter(db, q);
        var total = await query.CountAsync(ct);
        var size = Math.Clamp(q.PageSize, 1, MaxPageSize);
        var items = await query.OrderByDescending(r => r.Id).Skip((Math.Max(1, q.Page) - 1) * size).Take(size)
            .Include(r => r.Streams).AsNoTracking().ToListAsync(ct);
        return (items, total);
    }

    private static IQueryable<Run> Filter(PortalDbContext db, RunQuery q)
    {
        var runs = db.Runs.AsQueryable();
        if (q.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (q.NeedsAttention) runs = runs.Where(r => r.Status == RunStatus.Failed && !r.Resolved);
        if (q.ConnectionId is { } connection) runs = runs.Where(r => r.ConnectionId == connection);
        if (q.CustomerId is { } customer) runs = runs.Where(r => r.CustomerId == customer);
        if (q.Kind is { } kind) runs = runs.Where(r => r.Kind == kind);
        if (q.Trigger is { } trigger) runs = runs.Where(r => r.Trigger == trigger);
        if (q.From is { } from) runs = runs.Where(r => r.QueuedAt >= from);
        if (q.To is { } to) runs = runs.Where(r => r.QueuedAt < to);
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var text = q.Search.Trim();
            runs = runs.Where(r => (r.Error != null && r.Error.Contains(text)) || db.Connections.Any(c => c.Id == r.ConnectionId && c.Name.Contains(text)));
        }
        return runs;
    }

    /// <summary>Reruns a failed or cancelled run with the connection's current settings; the reason when it cannot be rerun.</summary>
    public async Task<(long? RunId, string? Conflict)> RerunAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new KeyNotFoundException($"No run {id}.");
        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
            return (null, $"Run {id} is {run.Status}: only failed or cancelled runs are rerun.");
        var connection = await db.Connections.AsNoTracking().FirstAsync(c => c.Id == run.ConnectionId, ct);
        var rerun = await recorder.CreateAsync(connection, RunTrigger.Rerun, 1, run.Id, ct);
        AuditLog.Record(db, "RunRerun", nameof(Run), run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), run.CustomerId, $"as run {rerun.Id}");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(connection.Id, rerun.Id, ct);
        return (rerun.Id, null);
    }

    /// <summary>Reruns every failed, unresolved run that matches the filters; one rerun per connection (its latest failure).</summary>
    public async Task<IReadOnlyList<long>> RerunFailedAsync(RunQuery q, CancellationToken ct)
    {
        List<long> failed;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            failed = await Filter(db, q with { Status = RunStatus.Failed, NeedsAttention = true })
                .GroupBy(r => r.ConnectionId).Select(g => g.Max(r => r.Id)).ToListAsync(ct);
        }
        var started = new List<long>();
        foreach (var id in failed.Order())
        {
            // Quartz runs one run per connection at a time and queues the rest: workers are not overloaded.
            if (await RerunAsync(id, ct) is { RunId: { } rerun }) started.Add(rerun);
        }
        return started;
    }

    /// <summary>Asks a running run to stop (Quartz interrupt: the job's token is cancelled, uploads are aborted).</summary>
    public async Task<string?> CancelAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new KeyNotFoundException($"No run {id}.");
        if (run.Status is not (RunStatus.Running or RunStatus.Queued)) return $"Run {id} is {run.Status}: only a queued or running run can be cancelled.";
        var scheduler = await quartz.GetScheduler(ct);
        await scheduler.Interrupt(ConnectionScheduler.JobOf(run.ConnectionId), ct);
        AuditLog.Record(db, "RunCancelled", nameof(Run), id.ToString(System.Globalization.CultureInfo.InvariantCulture), run.CustomerId);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
