namespace Portal.Infrastructure.Jobs;

using Microsoft.Extensions.Hosting;
using Quartz;

/// <summary>
/// Starts the Quartz scheduler of a worker process, only when it holds the <see cref="WorkerLease"/>, and on
/// shutdown waits for running deliveries to finish (Quartz's <c>waitForJobsToComplete</c>).
/// </summary>
public sealed class WorkerHost(ISchedulerFactory factory, WorkerLease lease) : IHostedService
{
    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!lease.Holds) return;
        _scheduler = await factory.GetScheduler(cancellationToken);
        await _scheduler.Start(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is not null) await _scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }
}
