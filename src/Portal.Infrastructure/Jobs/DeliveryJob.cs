namespace Portal.Infrastructure.Jobs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Quartz;

/// <summary>
/// One execution of a connection's delivery. Quartz runs at most one per connection at a time, and
/// re-runs it on another node if the node running it dies (the job requests recovery).
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeliveryJob(
    CurrentActor actor, IDbContextFactory<PortalDbContext> contexts, RunRecorder recorder, DeliveryRunner runner,
    ConnectionScheduler scheduler, ArtifactRun artifacts, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryJob> logger) : IJob
{
    public const string RunIdKey = "runId";
    public const string AttemptKey = "attempt";
    public const string TriggerKey = "trigger";
    public const string ScheduleKey = "schedule";
    public const string PreviousRunKey = "previousRunId";

    /// <summary>The separator of an error's causes in <see cref="Run.Error"/>.</summary>
    public const string CausedBy = " — caused by: ";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        actor.ActAsSystem();
        var connectionId = Guid.Parse(context.JobDetail.Key.Name);
        var data = context.MergedJobDataMap;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.AsNoTracking().WithChildren().FirstOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null)
        {
            logger.LogWarning("Connection {Connection} no longer exists; its job is removed", connectionId);
            await scheduler.DeleteAsync(connectionId, cancellationToken);
            return;
        }

        var attempt = data.TryGetInt(AttemptKey, out var a) ? a : 1;
        var trigger = data.TryGetString(TriggerKey, out var t) && Enum.TryParse<RunTrigger>(t, out var parsed) ? parsed : RunTrigger.Manual;
        Run run;
        if (context.Recovering)
        {
            // The node running this died: its run is failed (here, or at start-up of a single node) and this is the next attempt, linked to it.
            var running = await db.Runs.Where(r => r.ConnectionId == connectionId && r.Status == RunStatus.Running).ToListAsync(cancellationToken);
            foreach (var r in running) await recorder.FailAsync(r.Id, Run.InterruptedError, [], cancellationToken);
            var interrupted = data.TryGetLong(RunIdKey, out var lost)
                ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == lost, cancellationToken)
                : await db.Runs.AsNoTracking().Where(r => r.ConnectionId == connectionId && r.Status == RunStatus.Failed && r.Error == Run.InterruptedError)
                    .Where(r => !db.Runs.Any(next => next.PreviousAttemptId == r.Id)).OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            run = await recorder.CreateAsync(connection, interrupted?.Trigger ?? trigger, (interrupted?.Attempt ?? attempt) + 1, interrupted?.RerunOfId, cancellationToken, interrupted?.Id);
            if (interrupted is not null)
                await recorder.EventAsync(interrupted.Id, "Recovered", $"The worker stopped during this attempt; Quartz recovery runs attempt {run.Attempt} as run {run.Id}.", cancellationToken);
        }
        else if (data.TryGetLong(RunIdKey, out var runId) && await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken) is { } queued)
        {
            run = queued;
        }
        else
        {
            long? previous = data.TryGetLong(PreviousRunKey, out var p) ? p : null;
            var rerunOf = previous is { } id ? (await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken))?.RerunOfId : null;
            run = await recorder.CreateAsync(connection, data.ContainsKey(TriggerKey) ? trigger : RunTrigger.Schedule, attempt, rerunOf, cancellationToken, previous);
        }

        var artifactSchedule = data.TryGetString(ScheduleKey, out var named) ? named : null;
        if (connection.Kind == Core.Connections.DeliveryKind.ArtifactSync)
        {
            await RunAsync(connection, run, artifactSchedule, () => artifacts.SyncAsync(connection, run, artifactSchedule, cancellationToken), cancellationToken);
            return;
        }
        var source = connection.SourceId is { } sourceId ? await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken) : null;
        await recorder.StartAsync(run.Id, connection.Streams.OrderBy(s => s.Position).Select(s => s.Name), cancellationToken);
        if (source is null)
        {
            await recorder.FailAsync(run.Id, "The connection has no source to read from: choose one in the connection's settings.", [], cancellationToken);
            return;
        }

        await RunAsync(connection, run, null, async () =>
        {
            DeliveryOutcome outcome;
            // The heartbeat starts before anything that talks to S3, and a failure of any step is the run's failure.
            await using (var progress = new ProgressSaver(recorder, run.Id))
            {
                try
                {
                    await AbortPendingAsync(db, connection, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new RunStepException("aborting uploads an earlier run left open", e);
                }
                outcome = await runner.RunAsync(connection, source, new DeliveryRequest(run.Id, run.ConnectionRunId.ToString(), run.StartedAt ?? clock.GetUtcNow()),
                    progress.Report, progress.Note, cancellationToken);
            }
            await recorder.SucceedAsync(run.Id, outcome, CancellationToken.None);
        }, cancellationToken);
    }

    /// <summary>Runs the delivery; a failure is recorded with its cause and retried as the connection says.</summary>
    private async Task RunAsync(Core.Connections.Connection connection, Run run, string? artifactSchedule, Func<Task> deliver, CancellationToken cancellationToken)
    {
        try
        {
            await deliver();
        }
        catch (Exception e)
        {
            var pending = (e as DeliveryFailedException)?.PendingAborts ?? [];
            var cancelled = cancellationToken.IsCancellationRequested;
            var step = (e as DeliveryFailedException)?.Step ?? RunStepException.StepOf(e)
                ?? (connection.Kind == Core.Connections.DeliveryKind.ArtifactSync ? $"syncing schedule {artifactSchedule ?? "(the only one)"}" : null);
            await recorder.FailAsync(run.Id, cancelled ? "Cancelled by an operator: open uploads were aborted, the receipt is unchanged." : Explain(e), pending,
                CancellationToken.None, cancelled ? RunStatus.Cancelled : RunStatus.Failed, step);
            logger.LogWarning(e, "Run {Run} of connection {Connection} failed (attempt {Attempt})", run.Id, connection.Id, run.Attempt);
            if (!cancelled && run.Attempt <= connection.Retries)
            {
                var at = clock.GetUtcNow() + options.Value.RetryDelay;
                await scheduler.RetryAsync(connection.Id, run.Trigger, run.Attempt + 1, at, artifactSchedule, run.Id, CancellationToken.None);
                await recorder.EventAsync(run.Id, "RetryScheduled", $"Attempt {run.Attempt + 1} of {connection.Retries + 1} at {at:yyyy-MM-dd HH:mm:ss} UTC.", CancellationToken.None);
            }
        }
    }

    /// <summary>The error in plain words with its cause chain.</summary>
    internal static string Explain(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 4; x = x.InnerException)
        {
            if (CauseOf(x) is { } text && !parts.Contains(text)) parts.Add(text);
        }
        return parts.Count == 0 ? e.GetType().Name : string.Join(CausedBy, parts);
    }

    // What one link of the chain adds: a service error's code and HTTP status, or its message; nothing for a bare type.
    private static string? CauseOf(Exception x)
    {
        var message = string.IsNullOrWhiteSpace(x.Message) || x.Message.StartsWith("Exception of type", StringComparison.Ordinal) ? null : x.Message.Trim();
        if (x is Amazon.Runtime.AmazonServiceException service && (service.ErrorCode is { Length: > 0 } || service.StatusCode != 0))
        {
            var code = $"{(string.IsNullOrEmpty(service.ErrorCode) ? "S3 error" : service.ErrorCode)} (HTTP {(int)service.StatusCode})";
            if (message is null) return code;
            return service.ErrorCode is { Length: > 0 } known && message.Contains(known, StringComparison.Ordinal) ? message : $"{code}: {message}";
        }
        return message;
    }

    private async Task AbortPendingAsync(PortalDbContext db, Core.Connections.Connection connection, CancellationToken ct)
    {
        var pending = await db.PendingAborts.Where(p => p.ConnectionId == connection.Id).ToListAsync(ct);
        if (pending.Count == 0) return;
        var left = await runner.AbortPendingAsync(connection, pending.Select(p => (p.Key, p.UploadId)), ct);
        db.PendingAborts.RemoveRange(pending.Where(p => !left.Contains((p.Key, p.UploadId))));
        await db.SaveChangesAsync(ct);
    }

}
