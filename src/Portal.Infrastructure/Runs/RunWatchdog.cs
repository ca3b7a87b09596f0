namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Quartz;

/// <summary>Settings of run recovery (<c>Portal:Runs</c>).</summary>
public sealed class RunRecoveryOptions
{
    public const string Section = "Portal:Runs";

    /// <summary>A running run with no heartbeat (saved about once a second) for this long is failed.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the watchdog looks for silent runs.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True when this process is the only worker (the SQLite store): at start-up every run still marked
    /// running was left by this process when it died. False on a clustered store, where Quartz's cluster
    /// recovery and the heartbeat timeout decide.
    /// </summary>
    public bool SingleNode { get; set; }
}

/// <summary>No run stays <see cref="RunStatus.Running"/> forever: fails runs a dead worker left behind.</summary>
public sealed class RunWatchdog(IServiceProvider services, IOptions<RunRecoveryOptions> options, TimeProvider clock, ILogger<RunWatchdog> logger) : BackgroundService
{
    /// <summary>
    /// At start-up of a single node, before Quartz starts: runs left running are failed as interrupted.
    /// Quartz recovery then re-executes the jobs that asked for it, as new attempts linked to these runs.
    /// </summary>
    public async Task<int> FailInterruptedAtStartAsync(CancellationToken ct)
    {
        if (!options.Value.SingleNode) return 0;
        await using var scope = services.CreateSystemScope();
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var left = await db.Runs.Where(r => r.Status == RunStatus.Running).Select(r => r.Id).ToListAsync(ct);
        var recorder = scope.ServiceProvider.GetRequiredService<RunRecorder>();
        foreach (var id in left) await recorder.FailAsync(id, Run.InterruptedError, [], ct);
        if (left.Count > 0) logger.LogWarning("{Count} runs were left running when the portal stopped; they are marked failed", left.Count);
        return left.Count;
    }

    /// <summary>Fails running runs whose heartbeat is older than the timeout; returns their ids.</summary>
    public async Task<IReadOnlyList<long>> FailSilentRunsAsync(CancellationToken ct)
    {
        var timeout = options.Value.HeartbeatTimeout;
        var cutoff = clock.GetUtcNow() - timeout;
        await using var scope = services.CreateSystemScope();
        var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var silent = await db.Runs.Where(r => r.Status == RunStatus.Running && (r.HeartbeatAt ?? r.StartedAt ?? r.QueuedAt) < cutoff)
            .Select(r => new { r.Id, r.ConnectionId }).ToListAsync(ct);
        if (silent.Count == 0) return [];
        var recorder = scope.ServiceProvider.GetRequiredService<RunRecorder>();
        var quartz = await scope.ServiceProvider.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        foreach (var run in silent)
        {
            logger.LogWarning("Run {Run} sent no heartbeat for {Timeout}; it is failed", run.Id, timeout);
            // A job hung in this process is asked to stop; one on a dead node has nothing left to stop.
            await quartz.Interrupt(ConnectionScheduler.JobOf(run.ConnectionId), ct);
            await recorder.FailAsync(run.Id, $"Interrupted: no heartbeat for {timeout.TotalMinutes:0.#} minutes — the worker stopped or hung.", [], ct);
        }
        return silent.Select(r => r.Id).ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
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
