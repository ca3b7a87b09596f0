namespace Portal.Infrastructure.Jobs;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

/// <summary>
/// Starts the Quartz scheduler of a worker process only while it holds the <see cref="WorkerLease"/>: at once,
/// or, when another process holds it (an overlapping restart), as soon as that process is gone, after ending
/// the runs it left running. On shutdown it waits for running deliveries to finish (Quartz's <c>waitForJobsToComplete</c>).
/// </summary>
public sealed class WorkerHost(ISchedulerFactory factory, WorkerLease lease, IServiceProvider services, ILogger<WorkerHost> logger) : BackgroundService
{
    /// <summary>How often a process without the lease asks for it again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private IScheduler? _scheduler;

    /// <summary>With the lease, Quartz starts before the host finishes starting (its tables are there once the app answers), as Quartz's own hosted service does.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (lease.Holds) await StartSchedulerAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_scheduler is not null) return;
        while (!lease.Holds) await Task.Delay(RetryInterval, stoppingToken);
        // Taken over from a process that stopped: its runs are ended before Quartz recovers its jobs.
        if (services.GetService<Runs.RunWatchdog>() is { } watchdog) await watchdog.FailInterruptedAtStartAsync(stoppingToken);
        await StartSchedulerAsync(stoppingToken);
    }

    private async Task StartSchedulerAsync(CancellationToken ct)
    {
        _scheduler = await factory.GetScheduler(ct);
        var notifications = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Notifications.NotificationOptions>>().Value;
        await Notifications.NotificationJob.ScheduleAsync(_scheduler, notifications.PollInterval, ct);
        await _scheduler.Start(ct);
        logger.LogInformation("Workers started on {Node}", Runs.RunLifecycle.Node);
    }

    /// <summary>How long a stopping worker lets its runs finish before it hands them back (<c>Portal:Workers:ShutdownGrace</c>).</summary>
    public static TimeSpan ShutdownGrace(IConfiguration configuration) => configuration.GetValue("Portal:Workers:ShutdownGrace", TimeSpan.FromSeconds(25));

    private static async Task<bool> DrainedAsync(Runs.RunningRuns running, TimeSpan within, CancellationToken ct)
    {
        var until = DateTime.UtcNow + within;
        while (running.Count > 0 && DateTime.UtcNow < until && !ct.IsCancellationRequested) await Task.Delay(200, CancellationToken.None);
        return running.Count == 0;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is null) return;
        try
        {
            // No new runs start here; running ones get the grace to finish, then are handed back to the cluster while
            // this scheduler can still queue their next attempts (in standby it acquires nothing, and the others take them).
            // Already shut down (the host stopping twice, or disposed first): nothing is left to hand back.
            if (await _scheduler.GetStatus(cancellationToken) is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) return;
            await _scheduler.Standby(cancellationToken);
            var running = services.GetRequiredService<Runs.RunningRuns>();
            var grace = ShutdownGrace(services.GetRequiredService<IConfiguration>());
            if (!await DrainedAsync(running, grace, cancellationToken))
            {
                var handed = running.HandBackAll();
                logger.LogWarning("{Count} runs did not finish within {Grace} of the stop; they are handed back to the other nodes", handed, grace);
                await DrainedAsync(running, TimeSpan.FromSeconds(25), cancellationToken);
            }
            await _scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
        catch (ObjectDisposedException e)
        {
            // A host torn down while starting (a test host disposed early): Quartz's cluster manager may reach for services already gone.
            logger.LogWarning(e, "Quartz could not shut down cleanly: the host's services were already disposed");
        }
    }
}
