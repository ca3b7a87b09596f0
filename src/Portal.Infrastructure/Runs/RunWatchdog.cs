namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;

/// <summary>Settings of run recovery (<c>Portal:Runs</c>).</summary>
public sealed class RunRecoveryOptions
{
    public const string Section = "Portal:Runs";

    /// <summary>A running run with no heartbeat (saved about once a second) for this long is failed.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Schedules that fire more often than this are refused when a connection is saved.</summary>
    public TimeSpan MinimumInterval { get; set; } = Connections.ConnectionValidator.DefaultMinimumInterval;

    /// <summary>A connection whose runs failed this many times in a row (each after its retries) is paused; 0 never pauses.</summary>
    public int PauseAfterFailures { get; set; } = 5;

    /// <summary>How often the watchdog looks for silent runs.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True when this process is the only worker (the SQLite store): at start-up every run still marked
    /// running was left by this process when it died. False on a clustered store, where Quartz's cluster
    /// recovery and the heartbeat timeout decide.
    /// </summary>
    public bool SingleNode { get; set; }
}

/// <summary>No run stays <see cref="RunStatus.Running"/> forever: ends runs a dead worker left behind (reconciled from the bucket, or failed).</summary>
public sealed class RunWatchdog(IServiceProvider services, Jobs.WorkerLease lease, IOptions<RunRecoveryOptions> options, TimeProvider clock, ILogger<RunWatchdog> logger) : BackgroundService
{
    /// <summary>
    /// At start-up of a single node, before Quartz starts, and only in the process that holds the store's worker
    /// lease: runs left running end as their bucket says (a dump whose receipt names the run succeeded) or
    /// interrupted. Quartz recovery then re-executes the jobs that asked for it, as new attempts of the interrupted runs.
    /// </summary>
    public async Task<int> FailInterruptedAtStartAsync(CancellationToken ct)
    {
        if (!options.Value.SingleNode || !lease.Holds) return 0;
        await using var scope = services.CreateSystemScope();
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var left = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Running).ToListAsync(ct);
        await EndAsync(scope.ServiceProvider, db, left, Run.InterruptedError, ct);
        if (left.Count > 0) logger.LogWarning("{Count} runs were left running when the portal stopped; each is reconciled from its bucket or marked interrupted", left.Count);
        return left.Count;
    }

    /// <summary>Ends running runs whose heartbeat is older than the timeout; returns their ids.</summary>
    public async Task<IReadOnlyList<long>> FailSilentRunsAsync(CancellationToken ct)
    {
        var timeout = options.Value.HeartbeatTimeout;
        var cutoff = clock.GetUtcNow() - timeout;
        await using var scope = services.CreateSystemScope();
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var silent = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Running && (r.HeartbeatAt ?? r.StartedAt ?? r.QueuedAt) < cutoff).ToListAsync(ct);
        if (silent.Count == 0) return [];
        var running = scope.ServiceProvider.GetRequiredService<RunningRuns>();
        foreach (var run in silent)
        {
            logger.LogWarning("Run {Run} sent no heartbeat for {Timeout}; it is ended", run.Id, timeout);
            // A run hung in this process is stopped; one on a dead node has nothing left to stop.
            running.Abandon(run.Id);
        }
        await EndAsync(scope.ServiceProvider, db, silent, $"Interrupted: no heartbeat for {timeout.TotalMinutes:0.#} minutes — the worker stopped or hung.", ct);
        return silent.Select(r => r.Id).ToList();
    }

    private static async Task EndAsync(IServiceProvider sp, PortalDbContext db, IReadOnlyList<Run> runs, string error, CancellationToken ct)
    {
        var lifecycle = sp.GetRequiredService<RunLifecycle>();
        var ids = runs.Select(r => r.ConnectionId).Distinct().ToList();
        var connections = await db.Connections.IgnoreQueryFilters([PortalDbContext.LiveFilter]).AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        foreach (var run in runs) await lifecycle.EndInterruptedAsync(connections.GetValueOrDefault(run.ConnectionId), run, error, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Only the process that runs the workers looks (on SQLite, the one holding the store's lease).
            if (!lease.Holds) continue;
            try
            {
                await FailSilentRunsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Looking for silent runs failed; trying again in {Interval}", options.Value.CheckInterval);
            }
        }
    }
}
