namespace Portal.Infrastructure.Jobs;

using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Scheduling;
using Quartz;

/// <summary>
/// Keeps Quartz in step with connections: one durable job per connection (named by its id) with a UTC
/// cron trigger from its schedule. Disabling pauses the job without deleting it.
/// </summary>
public sealed class ConnectionScheduler(ISchedulerFactory factory)
{
    public const string JobGroup = "deliveries";

    public static JobKey JobOf(Guid connectionId) => new(connectionId.ToString(), JobGroup);

    public static TriggerKey ScheduleOf(Guid connectionId) => new(connectionId.ToString(), "schedules");

    public async Task SyncAsync(Connection connection, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var job = JobOf(connection.Id);
        await EnsureJobAsync(scheduler, job, ct);
        if (CronSchedule.TryParse(connection.Schedule, out var schedule, out _) && connection.Schedule is not null)
        {
            var trigger = TriggerBuilder.Create().WithIdentity(ScheduleOf(connection.Id)).ForJob(job)
                .UsingJobData(DeliveryJob.TriggerKey, nameof(RunTrigger.Schedule))
                .WithCronSchedule(schedule!.QuartzExpression, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, ct);
        }
        else
        {
            await scheduler.UnscheduleJob(ScheduleOf(connection.Id), ct);
        }
        if (connection.Enabled) await scheduler.ResumeJob(job, ct);
        else await scheduler.PauseJob(job, ct);
    }

    public async Task DeleteAsync(Guid connectionId, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await scheduler.DeleteJob(JobOf(connectionId), ct);
    }

    /// <summary>Runs a queued run now.</summary>
    public async Task RunNowAsync(Guid connectionId, long runId, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var job = JobOf(connectionId);
        await EnsureJobAsync(scheduler, job, ct);
        await scheduler.TriggerJob(job, new JobDataMap { [DeliveryJob.RunIdKey] = runId }, ct);
    }

    /// <summary>A one-off retry of a failed run after a delay.</summary>
    public async Task RetryAsync(Guid connectionId, RunTrigger trigger, int attempt, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var retry = TriggerBuilder.Create().ForJob(JobOf(connectionId)).StartAt(at)
            .UsingJobData(DeliveryJob.AttemptKey, attempt)
            .UsingJobData(DeliveryJob.TriggerKey, trigger.ToString())
            .Build();
        await scheduler.ScheduleJob(retry, ScheduleJobOptions.Replacing, ct);
    }

    private static async Task EnsureJobAsync(IScheduler scheduler, JobKey job, CancellationToken ct)
    {
        if (await scheduler.Exists(job, ct)) return;
        await scheduler.AddJob(JobBuilder.Create<DeliveryJob>().WithIdentity(job).StoreDurably().RequestRecovery().Build(), AddJobOptions.Replacing, ct);
    }
}
