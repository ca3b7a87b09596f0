namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Scheduling;
using Portal.Infrastructure.Telemetry;
using Quartz;

/// <summary>
/// What Home shows, through the tenant filter: runs and bytes per day, the next scheduled runs, counts, and for staff
/// the workers and the queue. A Customer gets the same for their own connections.
/// </summary>
public sealed class OverviewQueries(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, ISchedulerFactory schedulers, WorkerLease lease,
    IOptions<DatabaseOptions> database)
{
    /// <summary>Finished runs and bytes per UTC day for the last <paramref name="days"/> days, today last; days without runs count zero.</summary>
    public async Task<IReadOnlyList<DayTotal>> DailyAsync(int days, CancellationToken ct)
    {
        days = Math.Clamp(days, 1, 366);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(1 - days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var finished = new[] { RunStatus.Succeeded, RunStatus.Failed };
        // Grouped here, not in SQL: SQLite and PostgreSQL cut a timestamp into days differently. A row is three small values.
        var rows = await RunQueries.Filter(db, new RunQuery(From: since) { Statuses = finished })
            .Select(r => new { r.QueuedAt, r.Status, r.Bytes }).ToListAsync(ct);
        var byDay = rows.GroupBy(r => DateOnly.FromDateTime(r.QueuedAt.UtcDateTime)).ToDictionary(g => g.Key, g => g);
        return Enumerable.Range(0, days).Select(i => today.AddDays(i + 1 - days)).Select(day => byDay.TryGetValue(day, out var g)
                ? new DayTotal(day, g.Count(r => r.Status == RunStatus.Succeeded), g.Count(r => r.Status == RunStatus.Failed), g.Sum(r => r.Bytes))
                : new DayTotal(day, 0, 0, 0))
            .ToList();
    }

    /// <summary>
    /// The next scheduled run of each enabled connection (each artifact schedule on its own), soonest first, at most
    /// <paramref name="count"/>: an hourly export does not hide the daily dump.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledRun>> NextRunsAsync(int count, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connections = await db.Connections.AsNoTracking().Include(c => c.Schedules).Where(c => c.Enabled).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var next = new List<ScheduledRun>();
        foreach (var c in connections)
        {
            IEnumerable<(string? Name, string? Cron)> crons = c.Kind == DeliveryKind.ArtifactSync
                ? c.Schedules.Select(s => ((string?)s.Name, (string?)s.Cron))
                : [(null, c.Schedule)];
            foreach (var (name, cron) in crons)
            {
                if (!CronSchedule.TryParse(cron, out var schedule, out _) || schedule is null) continue;
                next.AddRange(schedule.Next(now, 1).Select(at => new ScheduledRun(c.Id, c.Name, c.Kind, name, at)));
            }
        }
        return next.OrderBy(r => r.At).ThenBy(r => r.Connection, StringComparer.Ordinal).Take(count).ToList();
    }

    /// <summary>The numbers at the top of Home.</summary>
    public async Task<HomeCounts> CountsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var since = clock.GetUtcNow().AddDays(-1);
        return new HomeCounts(
            await db.Customers.CountAsync(ct),
            await db.Connections.CountAsync(ct),
            await RunQueries.Filter(db, new RunQuery(From: since)).CountAsync(ct),
            await RunQueries.Filter(db, new RunQuery(NeedsAttention: true)).CountAsync(ct));
    }

    /// <summary>Queued and running runs, and how long the oldest queued one has waited.</summary>
    public async Task<RunQueueSample> QueueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var queued = await db.Runs.CountAsync(r => r.Status == RunStatus.Queued, ct);
        var running = await db.Runs.CountAsync(r => r.Status == RunStatus.Running, ct);
        var oldest = queued == 0 ? null : await db.Runs.Where(r => r.Status == RunStatus.Queued).OrderBy(r => r.Id).Select(r => (DateTimeOffset?)r.QueuedAt).FirstOrDefaultAsync(ct);
        var age = oldest is { } at ? clock.GetUtcNow() - at : TimeSpan.Zero;
        return new RunQueueSample(queued, running, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    /// <summary>
    /// The worker nodes as Quartz knows them (clustered: every node that checked in; SQLite: the process that holds the
    /// worker lease), each with the runs running on it now.
    /// </summary>
    public async Task<IReadOnlyList<WorkerNode>> WorkersAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var running = await db.Runs.Where(r => r.Status == RunStatus.Running && r.Node != null).GroupBy(r => r.Node!)
            .Select(g => new { Node = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Node, x => x.Count, ct);
        if (database.Value.Provider != DatabaseProvider.Postgres)
        {
            if (lease.HeldElsewhere) return [new WorkerNode("another process (holds the SQLite lease)", null, "Alive", running.Values.Sum(), false)];
            // Read, never taken: a page must not make a process that runs no workers the one that holds the lease.
            return lease.IsHeld ? [new WorkerNode(RunLifecycle.Node, clock.GetUtcNow(), "Alive", running.Values.Sum(), true)] : [];
        }
        var scheduler = await schedulers.GetScheduler(ct);
        var nodes = await scheduler.QueryClusterNodes(ct);
        // Runs name their node by Portal:NodeId, which is also the Quartz instance id of a named node. A web node runs no
        // scheduler and never checks in, so only workers are listed.
        return nodes.Where(n => n.LastCheckInUtc is not null)
            .Select(n => new WorkerNode(n.InstanceId, n.LastCheckInUtc, n.State.ToString(), running.GetValueOrDefault(n.InstanceId), n.IsCurrentNode))
            .ToList();
    }
}

public sealed record DayTotal(DateOnly Day, int Succeeded, int Failed, long Bytes)
{
    public int Runs => Succeeded + Failed;
}

public sealed record ScheduledRun(Guid ConnectionId, string Connection, DeliveryKind Kind, string? Schedule, DateTimeOffset At);

public sealed record HomeCounts(int Customers, int Connections, int RecentRuns, int NeedAttention);

public sealed record WorkerNode(string Name, DateTimeOffset? LastCheckIn, string State, int Running, bool ThisNode);
