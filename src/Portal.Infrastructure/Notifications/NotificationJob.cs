namespace Portal.Infrastructure.Notifications;

using Portal.Infrastructure.Actors;
using Quartz;

/// <summary>
/// Every <see cref="NotificationOptions.PollInterval"/>: queues the notifications of new outbox events, then sends those due.
/// One at a time across all nodes (a clustered store shares the lock), so a notification is sent by one node.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NotificationJob(CurrentActor actor, NotificationDispatcher dispatcher) : IJob
{
    public static readonly JobKey Key = new("notifications", "portal");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        actor.ActAsSystem();
        await dispatcher.DispatchAsync(cancellationToken);
        await dispatcher.SendDueAsync(cancellationToken);
        await dispatcher.PruneAsync(cancellationToken);
    }

    /// <summary>Schedules the job (again, with the interval configured now) in a started or starting scheduler.</summary>
    public static async Task ScheduleAsync(IScheduler scheduler, TimeSpan interval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var job = JobBuilder.Create<NotificationJob>().WithIdentity(Key).StoreDurably().Build();
        var trigger = TriggerBuilder.Create().WithIdentity("notifications", "portal").ForJob(job).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)).Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
    }
}
