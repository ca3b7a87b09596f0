namespace Portal.Infrastructure.Jobs;

using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Scheduling;
using Quartz;

/// <summary>
/// Keeps Quartz in step with connections: one durable job per connection (named by its id) with a UTC
/// cron trigger from its schedule. Disabling pauses the schedule's triggers without deleting anything; runs asked for by hand still run.
/// </summary>
public sealed class ConnectionScheduler(ISchedulerFactory factory)
{
    public const string JobGroup = "deliveries";

    public static JobKey JobOf(Guid connectionId) => new(connectionId.ToString(), JobGroup);

    public static TriggerKey ScheduleOf(Guid connectionId) => new(connectionId.ToString(), "schedules");

    public const string ArtifactGroup = "artifact-schedules";

    public static TriggerKey ArtifactScheduleOf(Guid connectionId, string schedule) => new($"{connectionId}/{schedule}", ArtifactGroup);

    public async Task SyncAsync(Connection connection, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var job = JobOf(connection.Id);
        await EnsureJobAsync(scheduler, job, ct);
        await SyncArtifactSchedulesAsync(scheduler, connection, job, ct);
        if (connection.Kind != DeliveryKind.ArtifactSync && CronSchedule.TryParse(connection.Schedule, out var schedule, out _) && connection.Schedule is not null)
        {
            var trigger = TriggerBuilder.Create().WithIdentity(ScheduleOf(connection.Id)).ForJob(job)
                .UsingJobData(RunTicket.Key, new RunTicket(RunTrigger.Schedule).ToJson())
                .WithCronSchedule(schedule!.QuartzExpression, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, ct);
        }
        else
        {
            await scheduler.UnscheduleJob(ScheduleOf(connection.Id), ct);
        }
        if (connection.Enabled)
        {
            await scheduler.ResumeJob(job, ct);
            return;
        }
        // Paused: only the schedule's triggers stop. Runs already asked for (run now, reruns, retries) still run.
        foreach (var trigger in await scheduler.GetTriggersOfJob(job, ct))
        {
            if (trigger.Key.Equals(ScheduleOf(connection.Id)) || trigger.Key.Group == ArtifactGroup) await scheduler.PauseTrigger(trigger.Key, ct);
        }
    }

    // An artifact sync has a trigger per schedule, carrying the schedule's name; removed schedules lose theirs.
    private static async Task SyncArtifactSchedulesAsync(IScheduler scheduler, Connection connection, JobKey job, CancellationToken ct)
    {
        var wanted = connection.Kind == DeliveryKind.ArtifactSync ? connection.Schedules : [];
        foreach (var trigger in await scheduler.GetTriggersOfJob(job, ct))
        {
            if (trigger.Key.Group == ArtifactGroup && !wanted.Any(s => ArtifactScheduleOf(connection.Id, s.Name).Equals(trigger.Key)))
                await scheduler.UnscheduleJob(trigger.Key, ct);
        }
        foreach (var s in wanted)
        {
            if (!CronSchedule.TryParse(s.Cron, out var cron, out _)) continue;
            var trigger = TriggerBuilder.Create().WithIdentity(ArtifactScheduleOf(connection.Id, s.Name)).ForJob(job)
                .UsingJobData(RunTicket.Key, new RunTicket(RunTrigger.Schedule, Schedule: s.Name).ToJson())
                .WithCronSchedule(cron!.QuartzExpression, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, ct);
        }
    }

    public async Task DeleteAsync(Guid connectionId, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await scheduler.DeleteJob(JobOf(connectionId), ct);
    }

    /// <summary>Runs a queued run now: the ticket names it.</summary>
    public async Task RunNowAsync(Guid connectionId, RunTicket ticket, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var job = JobOf(connectionId);
        await EnsureJobAsync(scheduler, job, ct);
        await scheduler.TriggerJob(job, new JobDataMap { [RunTicket.Key] = ticket.ToJson() }, ct);
    }

    /// <summary>A one-off retry of a failed run after a delay: the ticket is its next attempt.</summary>
    public async Task RetryAsync(Guid connectionId, RunTicket ticket, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        var retry = TriggerBuilder.Create().ForJob(JobOf(connectionId)).StartAt(at).UsingJobData(RunTicket.Key, ticket.ToJson()).Build();
        await scheduler.ScheduleJob(retry, ScheduleJobOptions.Replacing, ct);
    }

    private static async Task EnsureJobAsync(IScheduler scheduler, JobKey job, CancellationToken ct)
    {
        if (await scheduler.Exists(job, ct)) return;
        await scheduler.AddJob(JobBuilder.Create<DeliveryJob>().WithIdentity(job).StoreDurably().RequestRecovery().Build(), AddJobOptions.Replacing, ct);
    }
}
