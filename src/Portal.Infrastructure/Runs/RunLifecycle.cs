namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Decides every change of a run's state, whatever started it (a schedule, run now, a rerun, a retry, a
/// recovery) and whatever it delivers, and has <see cref="RunRecorder"/> write it: which run a ticket
/// stands for, queued → running, the end (succeeded, failed or cancelled, and whether to retry), cancels
/// (a queued run never starts; a running one is stopped on whichever node runs it), and runs whose worker
/// died (reconciled from the bucket, or failed as interrupted). Writing a state waits out a database that
/// is locked or unreachable, so a delivered run is never recorded as failed for want of a database.
/// </summary>
public sealed class RunLifecycle(
    RunRecorder recorder, ConnectionScheduler scheduler, RunReconciler reconciler, RunningRuns running, IDbContextFactory<PortalDbContext> contexts,
    IOptions<DeliveryOptions> delivery, IOptions<RunRecoveryOptions> recovery, TimeProvider clock, ILogger<RunLifecycle> logger)
{
    /// <summary>
    /// This process as runs, logs, health answers, traces and the Quartz cluster name it: <c>Portal:NodeId</c> when set
    /// (a stable name per node, e.g. <c>worker-1</c>), else host name and process id.
    /// </summary>
    public static string Node { get; private set; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Names this node (from <c>Portal:NodeId</c>), before anything runs; empty keeps the default.</summary>
    public static void NameNode(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return;
        var name = id.Trim();
        if (name.Length > 100 || name.Any(char.IsControl)) throw new InvalidOperationException("Portal:NodeId must be at most 100 printable characters.");
        Node = name;
    }

    /// <summary>
    /// The run a ticket stands for: the queued run it names, a new one (schedules and retries), or after a dead
    /// worker the next attempt of the run it left. Null when there is nothing to run: the run was cancelled
    /// while queued, or the interrupted run turned out delivered.
    /// </summary>
    public async Task<Run?> OpenAsync(Connection connection, RunTicket ticket, bool recovering, CancellationToken ct)
    {
        if (recovering) return await RecoverAsync(connection, ticket, ct);
        if (ticket.RunId is not { } id) return await DurablyAsync("creating", null, () => recorder.CreateAsync(connection, ticket, ct));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var queued = await DurablyAsync("reading", id, () => db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct));
        if (queued is { Status: RunStatus.Queued }) return queued;
        logger.LogInformation("Run {Run} is {Status}, not queued: it is not started", id, queued?.Status.ToString() ?? "gone");
        return null;
    }

    // The worker running this job died: its run is ended (delivered per the bucket, or interrupted), then retried as the next attempt.
    private async Task<Run?> RecoverAsync(Connection connection, RunTicket ticket, CancellationToken ct)
    {
        Run? interrupted;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var candidates = db.Runs.AsNoTracking().Where(r => r.ConnectionId == connection.Id && !db.Runs.Any(next => next.PreviousAttemptId == r.Id));
            interrupted = ticket.RunId is { } id
                ? await candidates.FirstOrDefaultAsync(r => r.Id == id, ct)
                : await candidates.Where(r => r.Status == RunStatus.Running || (r.Status == RunStatus.Failed && r.Error != null && r.Error.StartsWith("Interrupted")))
                    .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        }
        if (interrupted is null)
        {
            logger.LogInformation("Recovery of connection {Connection}: no interrupted run is waiting for another attempt", connection.Id);
            return null;
        }
        var ended = interrupted.Status == RunStatus.Running ? await EndInterruptedAsync(connection, interrupted, Run.InterruptedError, ct) : interrupted.Status;
        if (ended == RunStatus.Succeeded)
        {
            await NoteAsync(interrupted.Id, "Recovered", "The worker stopped after this run delivered: its receipt names it, so nothing is delivered again.");
            return null;
        }
        if (ended is RunStatus.Queued or RunStatus.Cancelled || interrupted.CancelRequestedAt is not null)
        {
            // A queued run that never started runs as it is; a cancelled one is not tried again.
            return ended == RunStatus.Queued ? interrupted : null;
        }
        var next = await DurablyAsync("creating", null, () => recorder.CreateAsync(connection, RunTicket.NextAttempt(interrupted, ticket.Schedule), ct));
        await NoteAsync(interrupted.Id, "Recovered", $"The worker stopped during this attempt; Quartz recovery runs attempt {next.Attempt} as run {next.Id}.");
        return next;
    }

    /// <summary>
    /// Queued → running; a retry of a dump takes the folder its earlier attempt chose. False when the run is no
    /// longer queued (cancelled meanwhile): it is not started.
    /// </summary>
    public async Task<bool> BeginAsync(Run run, IEnumerable<string> streams, CancellationToken ct)
    {
        string? folder = null;
        // A retry writes into its earlier attempt's folder; a resume into the failed dump's.
        if ((run.PreviousAttemptId ?? run.ResumeOfId) is { } previous)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            folder = await db.Runs.Where(r => r.Id == previous).Select(r => r.DumpFolder).FirstOrDefaultAsync(ct);
        }
        var names = streams.ToList();
        // One instant for the record and the keys: an exact redelivery takes its load time from the record.
        var at = clock.GetUtcNow();
        var started = await DurablyAsync("starting", run.Id, () => recorder.StartAsync(run.Id, names, Node, folder, ct, at));
        if (!started) logger.LogInformation("Run {Run} was cancelled before it started", run.Id);
        run.DumpFolder = folder;
        run.StartedAt = at;
        return started;
    }

    /// <summary>Records a new dump's folder before anything is written into it, so its retries and recovery write there again.</summary>
    public Task FolderChosenAsync(long runId, string folder, CancellationToken ct) =>
        DurablyAsync("the folder", runId, async () =>
        {
            await recorder.SetDumpFolderAsync(runId, folder, ct);
            return true;
        });

    /// <summary>Records a delivered run's success, waiting for the database as long as it takes.</summary>
    public async Task SucceededAsync(Run run, Func<CancellationToken, Task<bool>> record)
    {
        if (!await DurablyAsync("the success", run.Id, () => record(CancellationToken.None)))
            logger.LogWarning("Run {Run} delivered, but it had already ended otherwise; its record was left as it was", run.Id);
    }

    /// <summary>
    /// A run ended by an error or a cancel: recorded with its cause and step, and retried when the connection
    /// allows and it was not cancelled. Nothing is recorded over a run that already ended.
    /// </summary>
    public async Task FailedAsync(Connection connection, Run run, Exception e, bool cancelled, string? schedule)
    {
        var pending = (e as DeliveryFailedException)?.PendingAborts ?? [];
        var step = (e as DeliveryFailedException)?.Step ?? RunStepException.StepOf(e)
            ?? (connection.Kind == DeliveryKind.ArtifactSync ? $"syncing schedule {schedule ?? "(the only one)"}" : null);
        var status = cancelled ? RunStatus.Cancelled : RunStatus.Failed;
        var error = cancelled ? "Cancelled by an operator: open uploads were aborted, the receipt is unchanged." : RunFailure.Explain(e);
        logger.LogWarning(e, "Run {Run} of connection {Connection} ended {Status} (attempt {Attempt})", run.Id, connection.Id, status, run.Attempt);
        // Whether another attempt follows is known before the end is written, so a final failure and its notification are one write.
        var retries = RunTransitions.Retries(status, run.Attempt, connection.Retries) && !await IsArchivedAsync(connection.Id);
        var pauseAfter = recovery.Value.PauseAfterFailures;
        if (!await DurablyAsync("the failure", run.Id, () => recorder.FailAsync(run.Id, error, pending, CancellationToken.None, status, step, retries ? null : pauseAfter,
                (e as DeliveryFailedException)?.SchemaChanges)))
        {
            // Ended already: by the heartbeat watchdog (then it is retried like any failure) or otherwise (then not).
            await using var db = await contexts.CreateDbContextAsync();
            var ended = await db.Runs.Where(r => r.Id == run.Id).Select(r => new { r.Status, r.Error, Followed = db.Runs.Any(n => n.PreviousAttemptId == r.Id) }).FirstAsync();
            if (ended.Status != RunStatus.Failed || ended.Followed || ended.Error?.StartsWith("Interrupted", StringComparison.Ordinal) != true) return;
            status = RunStatus.Failed;
            retries = RunTransitions.Retries(status, run.Attempt, connection.Retries);
            if (!retries) await DurablyAsync("the final failure", run.Id, async () =>
            {
                await recorder.FinalFailureAsync(run.Id, pauseAfter, CancellationToken.None);
                return true;
            });
        }
        if (!retries)
        {
            await SyncIfPausedAsync(connection.Id);
            return;
        }
        var at = clock.GetUtcNow() + delivery.Value.RetryDelay;
        await DurablyAsync("the retry", run.Id, async () =>
        {
            await scheduler.RetryAsync(connection.Id, RunTicket.NextAttempt(run, schedule), at, CancellationToken.None);
            return true;
        });
        await NoteAsync(run.Id, "RetryScheduled", $"Attempt {run.Attempt + 1} of {connection.Retries + 1} at {at:yyyy-MM-dd HH:mm:ss} UTC.");
    }

    /// <summary>
    /// This node is shutting down and the run did not finish within the grace: it is recorded interrupted (not a failure
    /// that counts toward a pause or notifies) and its next attempt is queued now, for whichever node takes it; a dump's
    /// next attempt writes into the same folder.
    /// </summary>
    public async Task HandBackAsync(Connection connection, Run run, Exception e, string? schedule)
    {
        var pending = (e as DeliveryFailedException)?.PendingAborts ?? [];
        logger.LogWarning("Run {Run} of connection {Connection} is handed back: this node ({Node}) is shutting down", run.Id, connection.Id, Node);
        if (!await DurablyAsync("the hand-back", run.Id, () => recorder.FailAsync(run.Id, Run.HandedBackError, pending, CancellationToken.None))) return;
        if (await IsArchivedAsync(connection.Id)) return;
        await DurablyAsync("the next attempt", run.Id, async () =>
        {
            await scheduler.RetryAsync(connection.Id, RunTicket.NextAttempt(run, schedule), clock.GetUtcNow(), CancellationToken.None);
            return true;
        });
        await NoteAsync(run.Id, "HandedBack", $"{Node} shut down before the run finished; attempt {run.Attempt + 1} is queued for any node.");
    }

    // A final failure may have paused the connection: its schedule stops firing now (a scheduled run of a paused connection is skipped anyway).
    private async Task SyncIfPausedAsync(Guid connectionId)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            var connection = await db.Connections.AsNoTracking().Include(c => c.Schedules).FirstOrDefaultAsync(c => c.Id == connectionId && !c.Enabled && c.PausedAt != null);
            if (connection is not null) await scheduler.SyncAsync(connection, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Connection {Connection} was paused, but its schedule could not be paused now; its scheduled runs are skipped until it is resumed", connectionId);
        }
    }

    /// <summary>
    /// A run left running by a worker that stopped (found at start-up, by recovery or by the heartbeat watchdog):
    /// succeeded when the bucket's receipt names it, else failed with <paramref name="error"/>. Returns how it ended.
    /// </summary>
    public async Task<RunStatus> EndInterruptedAsync(Connection? connection, Run run, string error, CancellationToken ct)
    {
        if (connection is not null && await reconciler.ReceiptNamingAsync(connection, run.Id, ct) is { } found
            && await DurablyAsync("the reconciled success", run.Id, () => recorder.SucceedFromReceiptAsync(run.Id, found.Receipt, found.Key, CancellationToken.None)))
        {
            logger.LogWarning("Run {Run} was left running, but its receipt is in the bucket: recorded as succeeded", run.Id);
            return RunStatus.Succeeded;
        }
        await DurablyAsync("the interruption", run.Id, () => recorder.FailAsync(run.Id, error, [], CancellationToken.None));
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.Where(r => r.Id == run.Id).Select(r => r.Status).FirstAsync(ct);
    }

    /// <summary>
    /// Cancels the run named, and only it: a queued run is ended before it starts; a running one is asked to stop
    /// where it runs (here at once, on another node with its next heartbeat). The reason when it cannot be.
    /// </summary>
    public async Task<string?> CancelAsync(long runId, CancellationToken ct)
    {
        for (var tries = 0; tries < 3; tries++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var status = await db.Runs.Where(r => r.Id == runId).Select(r => (RunStatus?)r.Status).FirstOrDefaultAsync(ct)
                ?? throw new KeyNotFoundException($"No run {runId}.");
            if (RunTransitions.CancelConflict(runId, status) is { } conflict) return conflict;
            if (status == RunStatus.Queued && await recorder.CancelQueuedAsync(runId, ct)) return null;
            if (status == RunStatus.Running && await recorder.RequestCancelAsync(runId, ct))
            {
                running.Cancel(runId);
                return null;
            }
            // It moved on between the read and the write (started, or ended): look again.
        }
        return $"Run {runId} changed state while it was being cancelled; try again.";
    }

    private async Task<bool> IsArchivedAsync(Guid connectionId)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return !await db.Connections.AnyAsync(c => c.Id == connectionId);
    }

    /// <summary>
    /// The names of dump folders other runs of the connection chose: never chosen again, even when still empty
    /// (a retry will write into its own).
    /// </summary>
    public async Task<IReadOnlySet<string>> FoldersTakenAsync(Run run, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var names = await db.Runs.Where(r => r.ConnectionId == run.ConnectionId && r.Id != run.Id && r.DumpFolder != null)
            .OrderByDescending(r => r.Id).Select(r => r.DumpFolder!).Take(1000).ToListAsync(ct);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Reads what a run needs from the database, waiting out a database that is locked or unreachable (a manual run must not stay queued for a blip).</summary>
    public Task<T> ReadDurablyAsync<T>(string what, Func<Task<T>> read) => DurablyAsync(what, null, read);

    // A line in the run's log; the log is worth less than the run, so a failure to write it is only logged.
    private async Task NoteAsync(long runId, string kind, string message)
    {
        try
        {
            await recorder.EventAsync(runId, kind, message, CancellationToken.None);
        }
        catch (Exception e) when (RunFailure.IsTransientDatabaseError(e))
        {
            logger.LogWarning(e, "Could not log {Kind} for run {Run}", kind, runId);
        }
    }

    /// <summary>Writes a run's state, trying again while the database is locked or unreachable (with backoff up to 30 s), as long as it takes.</summary>
    private async Task<T> DurablyAsync<T>(string what, long? runId, Func<Task<T>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (Exception e) when (RunFailure.IsTransientDatabaseError(e) && e is not OperationCanceledException)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(attempt, 10))));
                logger.LogWarning(e, "Recording {What} of run {Run} failed (try {Attempt}); trying again in {Delay}", what, runId, attempt, delay);
                await Task.Delay(delay, clock);
            }
        }
    }
}
