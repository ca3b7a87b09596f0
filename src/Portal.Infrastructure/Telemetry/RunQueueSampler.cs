namespace Portal.Infrastructure.Telemetry;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Actors;

/// <summary>
/// Samples the run queue (queued, running, the oldest queued run's age) every 15 s for the queue gauges, so a scrape
/// never queries the database. Every node reports the same cluster-wide numbers: aggregate them with max, not sum.
/// </summary>
public sealed class RunQueueSampler(IServiceProvider services, TimeProvider clock, ILogger<RunQueueSampler> logger) : BackgroundService
{
    private RunQueueSample _last = RunQueueSample.Unknown;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        PortalMetrics.ObserveQueue(() => _last);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                _last = await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "The run queue could not be sampled; the gauges keep their last values");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<RunQueueSample> SampleAsync(CancellationToken ct)
    {
        await using var scope = services.CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<Runs.OverviewQueries>().QueueAsync(ct);
    }
}
