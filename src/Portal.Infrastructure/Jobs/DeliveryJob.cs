namespace Portal.Infrastructure.Jobs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Quartz;

/// <summary>
/// One execution of a connection's delivery, for the <see cref="RunTicket"/> its trigger carries. Quartz runs
/// at most one per connection at a time, and re-runs it on another node if the node running it dies (the job
/// requests recovery). Every state change of the run is decided by <see cref="RunLifecycle"/>.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DeliveryJob(
    CurrentActor actor, IDbContextFactory<PortalDbContext> contexts, RunLifecycle lifecycle, RunRecorder recorder, RunningRuns running, DeliveryRunner runner,
    ConnectionScheduler scheduler, ArtifactRun artifacts, ManifestWriter manifests, TimeProvider clock, ILogger<DeliveryJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        actor.ActAsSystem();
        var connectionId = Guid.Parse(context.JobDetail.Key.Name);
        var ticket = RunTicket.Parse(context.MergedJobDataMap.TryGetString(RunTicket.Key, out var json) ? json : null);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await lifecycle.ReadDurablyAsync("the connection", () =>
            db.Connections.IgnoreQueryFilters([PortalDbContext.LiveFilter]).AsNoTracking().WithChildren().FirstOrDefaultAsync(c => c.Id == connectionId, cancellationToken));
        if (connection is null || connection.ArchivedAt is not null)
        {
            logger.LogWarning("Connection {Connection} was deleted; its job is removed", connectionId);
            if (ticket.RunId is { } queued) await recorder.FailAsync(queued, "The connection was deleted before the run started.", [], CancellationToken.None, RunStatus.Cancelled);
            await scheduler.DeleteAsync(connectionId, cancellationToken);
            return;
        }

        if (!connection.Enabled && ticket.Trigger == RunTrigger.Schedule && ticket.RunId is null && ticket.PreviousAttemptId is null && !context.Recovering)
        {
            // Paused (perhaps automatically, just before its schedule could be paused in Quartz): the schedule does not run it.
            logger.LogInformation("Connection {Connection} is paused; its scheduled run is skipped", connectionId);
            return;
        }

        var run = await lifecycle.OpenAsync(connection, ticket, context.Recovering, cancellationToken);
        if (run is null) return;
        // One run's log lines carry its ids, so they can be filtered; its trace is one activity with a span per stream and part.
        // A message-template scope: the console shows "run 42 of connection …", structured sinks get RunId, ConnectionId and Node.
        using var logScope = logger.BeginScope("run {RunId} of connection {ConnectionId} on {Node}", run.Id, connectionId, RunLifecycle.Node);
        using var activity = Telemetry.PortalTracing.Source.StartActivity("run");
        activity?.SetTag("portal.run_id", run.Id);
        activity?.SetTag("portal.connection_id", connectionId.ToString());
        activity?.SetTag("portal.kind", connection.Kind.ToString());
        activity?.SetTag("portal.trigger", run.Trigger.ToString());
        activity?.SetTag("portal.attempt", run.Attempt);
        using var scope = running.Enter(run.Id, cancellationToken);
        try
        {
            if (connection.Kind == Core.Connections.DeliveryKind.ArtifactSync)
            {
                var schedule = ArtifactRun.ScheduleOf(connection, ticket.Schedule);
                if (!await lifecycle.BeginAsync(run, ArtifactRun.CommandNames(schedule), scope.Token)) return;
                Artifacts.ArtifactSyncResult result;
                string? manifestKey = null;
                await using (var progress = new ProgressSaver(recorder, run.Id, scope.RequestCancel, logger))
                {
                    result = await artifacts.SyncAsync(connection, run, schedule, progress.Report, scope.Token);
                    if (connection.WritesManifests)
                    {
                        var key = manifestKey = await ManifestAsync(connection, run, result.Commands.Select(c => new Core.Receipts.ManifestStream(
                            Core.Artifacts.ArtifactLayout.CommandName(c.Id, c.Command), null, null, 0,
                            c.Archived.Select(f => new Core.Receipts.ReceiptFile(f.Key, f.Bytes, f.Rows, f.Sha256)).ToList(), null)), scope.Token);
                        progress.Note(new RunNote("ManifestWritten", null, $"{key} written last."));
                    }
                }
                await lifecycle.SucceededAsync(run, ct => recorder.SucceedAsync(run.Id, result, ct, manifestKey));
                return;
            }

            var backfill = run.Backfill;
            // An exact redelivery reads the ranges of the run it repeats, with that run's id and load time (so its keys); a
            // resume writes with the keys of the dump it completes.
            var original = (run.RedeliveryOfId ?? run.ResumeOfId) is { } of
                ? await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == of, scope.Token)
                    ?? throw new InvalidOperationException($"Run {of}, which this run repeats, no longer exists.")
                : null;
            var ranges = (run.RedeliveryOfId is null ? null : original?.Streams.ToDictionary(s => s.Name, s => (s.CursorFrom, s.CursorTo), StringComparer.Ordinal))
                ?? backfill?.Streams.Distinct(StringComparer.Ordinal).ToDictionary(s => s, _ => (backfill.From, (string?)backfill.To), StringComparer.Ordinal);
            if (!await lifecycle.BeginAsync(run, connection.Streams.OrderBy(s => s.Position).Select(s => s.Name)
                    .Where(name => ranges is null || ranges.ContainsKey(name)), scope.Token)) return;
            var source = connection.SourceId is { } sourceId ? await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, scope.Token) : null;
            if (source is null) throw new InvalidOperationException("The connection has no source to read from: choose one in the connection's settings.");
            DeliveryOutcome outcome;
            // The heartbeat starts before anything that talks to S3, and a failure of any step is the run's failure.
            await using (var progress = new ProgressSaver(recorder, run.Id, scope.RequestCancel, logger))
            {
                try
                {
                    await AbortPendingAsync(db, connection, scope.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new RunStepException("aborting uploads an earlier run left open", e);
                }
                var request = new DeliveryRequest(run.Id, (original?.ConnectionRunId ?? run.ConnectionRunId).ToString(), original?.StartedAt ?? run.StartedAt ?? recorder.Now)
                {
                    Ranges = ranges,
                    DumpFolder = run.DumpFolder,
                    Resume = run.ResumeOfId is not null && connection.Kind == Core.Connections.DeliveryKind.Dump,
                    FoldersTaken = connection.Kind == Core.Connections.DeliveryKind.Dump ? await lifecycle.FoldersTakenAsync(run, scope.Token) : null,
                    FolderChosen = (folder, ct) => lifecycle.FolderChosenAsync(run.Id, folder, ct),
                };
                outcome = await runner.RunAsync(connection, source, request, progress.Report, progress.Note, scope.Token);
                if (connection.WritesManifests)
                {
                    outcome = outcome with { ManifestKey = await ManifestAsync(connection, run, ManifestWriter.StreamsOf(outcome), scope.Token) };
                    progress.Note(new RunNote("ManifestWritten", null, $"{outcome.ManifestKey} written last."));
                }
            }
            await lifecycle.SucceededAsync(run, ct => recorder.SucceedAsync(run.Id, outcome, ct));
        }
        catch (Exception e) when (scope.HandedBack && !scope.CancelRequested)
        {
            await lifecycle.HandBackAsync(connection, run, e, ticket.Schedule);
        }
        catch (Exception e)
        {
            // A loader waiting on _manifests/ learns that this run ended without delivering (when the bucket can be reached).
            if (connection.WritesManifests && run.StartedAt is { } started && !cancellationToken.IsCancellationRequested)
                await manifests.WriteEndedAsync(connection, run.Id, started, e, scope.CancelRequested);
            await lifecycle.FailedAsync(connection, run, e, scope.CancelRequested, ticket.Schedule);
        }
    }

    // Written after every other object of the run; a manifest that cannot be written fails the run (every data file was delivered).
    private async Task<string> ManifestAsync(Core.Connections.Connection connection, Core.Runs.Run run, IEnumerable<Core.Receipts.ManifestStream> streams, CancellationToken ct)
    {
        try
        {
            var manifest = new Core.Receipts.ManifestRun(run.Id, connection.Id.ToString(), connection.Kind.ToString(), Core.Receipts.RunManifest.Succeeded,
                run.StartedAt ?? clock.GetUtcNow(), clock.GetUtcNow()) { RedeliveryOf = run.RedeliveryOfId };
            return await manifests.WriteAsync(connection, manifest, streams, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new RunStepException("writing the run manifest (every data file was delivered)", e);
        }
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
