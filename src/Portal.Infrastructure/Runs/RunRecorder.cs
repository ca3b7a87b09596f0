namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Core.Sources;
using Portal.Core.Notifications;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Notifications;
using Portal.Infrastructure.Persistence;

/// <summary>Writes a run's life into its Run record: queued, running with progress, and how it ended.</summary>
public sealed class RunRecorder(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<Run> CreateAsync(Connection connection, RunTrigger trigger, int attempt, long? rerunOf, CancellationToken ct, long? previousAttempt = null,
        string? backfill = null, long? redeliveryOf = null, long? resumeOf = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // A retry, a recovery or a rerun of a backfill is the same backfill.
        var from = previousAttempt ?? rerunOf;
        var earlierRun = from is { } earlier ? await db.Runs.Where(r => r.Id == earlier).Select(r => new { r.BackfillJson, r.RedeliveryOfId, r.ResumeOfId }).FirstOrDefaultAsync(ct) : null;
        backfill ??= earlierRun?.BackfillJson;
        redeliveryOf ??= earlierRun?.RedeliveryOfId;
        // A retry or recovery of a resume is the same resume (a rerun is a whole new dump).
        resumeOf ??= previousAttempt is null ? null : earlierRun?.ResumeOfId;
        var run = new Run
        {
            ConnectionId = connection.Id, CustomerId = connection.CustomerId, Kind = connection.Kind,
            Trigger = trigger, Attempt = attempt, RerunOfId = rerunOf, PreviousAttemptId = previousAttempt, QueuedAt = clock.GetUtcNow(),
            BackfillJson = backfill, RedeliveryOfId = redeliveryOf, ResumeOfId = resumeOf,
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    /// <summary>A run for a ticket that names none (a schedule, a retry, a recovery): queued now, linked to the attempt it follows.</summary>
    public async Task<Run> CreateAsync(Connection connection, RunTicket ticket, CancellationToken ct)
    {
        long? rerunOf = null;
        if (ticket.PreviousAttemptId is { } previous)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            rerunOf = await db.Runs.Where(r => r.Id == previous).Select(r => r.RerunOfId).FirstOrDefaultAsync(ct);
        }
        return await CreateAsync(connection, ticket.Trigger, ticket.Attempt, rerunOf, ct, ticket.PreviousAttemptId);
    }

    /// <summary>
    /// Queued → running, only if the run is still queued (a cancel may have ended it first, on any node): the
    /// database decides, so a cancelled run never starts. Records the node and, for a retried dump, its folder.
    /// </summary>
    public async Task<bool> StartAsync(long runId, IEnumerable<string> streams, string node, string? dumpFolder, CancellationToken ct, DateTimeOffset? at = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The start is the run's load time (its keys' time macros): the caller passes the one it uses.
        var now = at ?? clock.GetUtcNow();
        var started = await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Queued && r.CancelRequestedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.StartedAt, now).SetProperty(r => r.HeartbeatAt, now)
                .SetProperty(r => r.Node, node).SetProperty(r => r.DumpFolder, dumpFolder), ct);
        if (started == 0) return false;
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        run.Streams.Clear();
        run.Streams.AddRange(streams.Select(name => new RunStream { Name = name }));
        db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = "Started", Message = $"Attempt {run.Attempt} started ({run.Trigger}) on {node}." });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Telemetry.PortalMetrics.RunStarted(run.Kind);
        return true;
    }

    /// <summary>Records the folder a dump chose, before anything is written into it.</summary>
    public async Task SetDumpFolderAsync(long runId, string folder, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u.SetProperty(r => r.DumpFolder, folder), ct);
    }

    /// <summary>Queued → cancelled: the run never starts. False when it is no longer queued.</summary>
    public async Task<bool> CancelQueuedAsync(long runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var cancelled = await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Cancelled).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.CancelRequestedAt, now)
                .SetProperty(r => r.Error, "Cancelled before it started."), ct);
        if (cancelled == 0) return false;
        db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = nameof(RunStatus.Cancelled), Message = "Cancelled while queued: the run never started." });
        await db.SaveChangesAsync(ct);
        var kind = await db.Runs.Where(r => r.Id == runId).Select(r => r.Kind).FirstAsync(ct);
        Telemetry.PortalMetrics.RunEnded(kind, RunStatus.Cancelled, null, now);
        return true;
    }

    /// <summary>Asks a running run to stop; the node running it reads this with its next heartbeat. False when it is not running.</summary>
    public async Task<bool> RequestCancelAsync(long runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.CancelRequestedAt, now), ct) > 0;
    }

    /// <summary>Adds a line to the run's log.</summary>
    public async Task EventAsync(long runId, string kind, string message, CancellationToken ct, string? stream = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.RunEvents.Add(new RunEvent { RunId = runId, At = clock.GetUtcNow(), Kind = kind, Stream = stream, Message = message.Length > 4000 ? message[..4000] : message });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Saves the latest progress of each stream and the log lines since the last save, and beats the run's
    /// heart (called about once a second while a run lasts).
    /// </summary>
    /// <returns>True when someone asked the run to stop (on any node).</returns>
    public async Task<bool> SaveProgressAsync(long runId, IReadOnlyCollection<StreamProgress> progress, IReadOnlyList<RunEvent> notes, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        if (progress.Count == 0 && notes.Count == 0)
        {
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u.SetProperty(r => r.HeartbeatAt, now), ct);
            return await db.Runs.Where(r => r.Id == runId).Select(r => r.CancelRequestedAt != null).FirstOrDefaultAsync(ct);
        }
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        run.HeartbeatAt = now;
        foreach (var p in progress)
        {
            var stream = run.Streams.FirstOrDefault(s => s.Name == p.Name);
            if (stream is null) continue;
            (stream.Rows, stream.Parts, stream.Bytes) = (p.Rows, p.Parts, p.Bytes);
            stream.Total = p.Total ?? stream.Total;
            stream.StartedAt ??= now;
        }
        foreach (var note in notes)
        {
            var stream = note.Stream is null ? null : run.Streams.FirstOrDefault(s => s.Name == note.Stream);
            if (stream is not null && note.Kind == RunNote.StreamStarted) stream.StartedAt = note.At;
            if (stream is not null && note.Kind is RunNote.StreamFinished or RunNote.TableKept) stream.FinishedAt = note.At;
            db.RunEvents.Add(note);
        }
        (run.Rows, run.Parts, run.Bytes) = (run.Streams.Sum(s => s.Rows), run.Streams.Sum(s => s.Parts), run.Streams.Sum(s => s.Bytes));
        await db.SaveChangesAsync(ct);
        return run.CancelRequestedAt is not null;
    }

    /// <summary>
    /// Marks the run succeeded with its keys, advances the cursor marks (only now, when the whole run
    /// succeeded) and marks the connection's earlier failures as resolved — all in one transaction.
    /// </summary>
    public Task<bool> SucceedAsync(long runId, DeliveryOutcome outcome, CancellationToken ct) =>
        SucceedAsync(runId, outcome.Streams.Select(s => new StreamProgress(s.Name, s.Rows, s.Files.Count, s.Bytes)).ToList(), outcome.Keys,
            outcome.Streams.Where(s => s.NewMark is not null || s.CursorKind is not null).ToDictionary(s => s.Name, s => (s.NewMark, s.CursorKind)), ct,
            receipt: outcome.ReceiptKey is { } key && outcome.ReceiptJson is { } json ? (key, Portal.Core.Receipts.ReceiptDocument.Parse(json)) : null,
            ranges: outcome.Streams.ToDictionary(s => s.Name, s => (s.OldMark, s.RangeTo ?? s.NewMark)),
            schemas: outcome.Streams.Where(s => s.SchemaJson is not null).ToDictionary(s => s.Name, s => (s.SchemaJson!, s.SchemaKey, s.SchemaChanges)));

    /// <summary>An artifact sync's success: per command its files and bytes; the keys are the archive folder and the pointer.</summary>
    public Task<bool> SucceedAsync(long runId, Artifacts.ArtifactSyncResult result, CancellationToken ct, string? manifestKey = null) =>
        SucceedAsync(runId,
            result.Commands.Select(c => new StreamProgress(Portal.Core.Artifacts.ArtifactLayout.CommandName(c.Id, c.Command), 0, c.Files, c.Bytes)).ToList(),
            [result.ArchiveFolder, result.PointerKey, .. manifestKey is null ? Array.Empty<string>() : [manifestKey]], new Dictionary<string, (string?, CursorKind?)>(), ct);

    /// <summary>
    /// A run whose end was not recorded (its worker died after the receipt) but whose receipt names it: recorded
    /// as succeeded from what the receipt says, so the bucket and the record agree and nothing is delivered again.
    /// </summary>
    public Task<bool> SucceedFromReceiptAsync(long runId, Portal.Core.Receipts.ReceiptDocument receipt, string receiptKey, CancellationToken ct) =>
        SucceedAsync(runId,
            receipt.Tables.Select(t => new StreamProgress(t.Name, t.RowCount ?? 0, t.TotalFileCount ?? t.Files?.Count ?? 0, t.Bytes ?? 0)).ToList(),
            [.. receipt.Tables.SelectMany(t => t.Files ?? []).Select(f => f.Key), .. receipt.Tables.Select(t => t.SchemaKey).OfType<string>(), receiptKey],
            new Dictionary<string, (string?, CursorKind?)>(), ct,
            "Reconciled from the bucket: its receipt.json names this run, so the dump was delivered before the worker stopped.", (receiptKey, receipt));

    /// <summary>
    /// Running → succeeded, with the marks, in one transaction. A run failed as interrupted (its heartbeat stopped
    /// while the database was locked, say) is still recorded succeeded when its delivery completes: the record
    /// never contradicts the bucket. False when the run had ended otherwise.
    /// </summary>
    private async Task<bool> SucceedAsync(long runId, IReadOnlyList<StreamProgress> streamsDone, IReadOnlyList<string> keys,
        IReadOnlyDictionary<string, (string? Mark, CursorKind? Kind)> marks, CancellationToken ct, string? note = null, (string Key, Portal.Core.Receipts.ReceiptDocument Document)? receipt = null,
        IReadOnlyDictionary<string, (string? From, string? To)>? ranges = null,
        IReadOnlyDictionary<string, (string Json, string? Key, IReadOnlyList<Portal.Core.Formats.SchemaChange> Changes)>? schemas = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var moved = await db.Runs
            .Where(r => r.Id == runId && (r.Status == RunStatus.Running || (r.Status == RunStatus.Failed && r.Error != null && r.Error.StartsWith("Interrupted")))
                // Once another attempt took over (a node thought dead came back), that attempt's end is the one recorded.
                && !db.Runs.Any(next => next.PreviousAttemptId == r.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Succeeded).SetProperty(r => r.FinishedAt, now), ct);
        if (moved == 0) return false;
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        if (note is not null) db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = "Reconciled", Message = note });
        foreach (var s in streamsDone)
        {
            var stream = run.Streams.FirstOrDefault(x => x.Name == s.Name);
            if (stream is null) run.Streams.Add(stream = new RunStream { Name = s.Name });
            (stream.Rows, stream.Parts, stream.Bytes) = (s.Rows, s.Parts, s.Bytes);
            if (ranges is not null && ranges.TryGetValue(s.Name, out var range)) (stream.CursorFrom, stream.CursorTo) = range;
        }
        run.Error = null;
        run.ErrorStep = null;
        (run.Rows, run.Parts, run.Bytes) = (streamsDone.Sum(s => s.Rows), streamsDone.Sum(s => s.Parts), streamsDone.Sum(s => s.Bytes));
        run.SetKeys(keys);
        // Streams whose end was not logged while the run lasted (artifact commands) get their line now.
        foreach (var st in streamsDone.Where(st => run.Streams.Any(x => x.Name == st.Name && x.FinishedAt is null)))
            db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = RunNote.StreamFinished, Stream = st.Name, Message = $"{st.Rows:N0} rows in {st.Parts} files, {st.Bytes:N0} bytes." });
        foreach (var stream in run.Streams)
        {
            stream.StartedAt ??= run.StartedAt;
            stream.FinishedAt ??= run.FinishedAt;
        }
        db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = "Succeeded", Message = $"{keys.Count} keys written." });
        var streams = await db.ConnectionStreams.Where(s => s.ConnectionId == run.ConnectionId).ToListAsync(ct);
        foreach (var (name, (mark, kind)) in marks)
        {
            var stream = streams.FirstOrDefault(x => x.Name == name);
            if (stream is null) continue;
            stream.CursorValue = mark ?? stream.CursorValue;
            stream.CursorKind = kind ?? stream.CursorKind;
        }
        // The columns delivered become the schema the next run compares with; their changes are notified with this success.
        foreach (var (name, (json, key, _)) in schemas ?? new Dictionary<string, (string, string?, IReadOnlyList<Portal.Core.Formats.SchemaChange>)>())
        {
            if (streams.FirstOrDefault(x => x.Name == name) is not { } stream) continue;
            (stream.SchemaJson, stream.SchemaKey) = (json, key ?? stream.SchemaKey);
        }
        if (schemas?.Where(s => s.Value.Changes.Count > 0).ToDictionary(s => s.Key, s => s.Value.Changes, StringComparer.Ordinal) is { Count: > 0 } changed)
            Outbox.SchemaChanged(db, run.ConnectionId, run.CustomerId, runId, now, changed, failed: false);
        await db.Runs.Where(r => r.ConnectionId == run.ConnectionId && r.Status == RunStatus.Failed && !r.Resolved && r.Id < runId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Resolved, true), ct);
        // The notifications of this success are committed with it: delivered, and recovered when failed runs came before.
        var failing = await Connection(db, run.ConnectionId).Select(c => new { c.FailingSince }).FirstOrDefaultAsync(ct);
        await Connection(db, run.ConnectionId).ExecuteUpdateAsync(u => u.SetProperty(c => c.ConsecutiveFailures, 0).SetProperty(c => c.FailingSince, (DateTimeOffset?)null), ct);
        if (failing?.FailingSince is { } since)
        {
            var failedRuns = await db.Runs.CountAsync(r => r.ConnectionId == run.ConnectionId && r.Status == RunStatus.Failed && r.FinishedAt >= since && r.Id < runId
                && !db.Runs.Any(next => next.PreviousAttemptId == r.Id), ct);
            Outbox.Add(db, NotificationEvents.RunRecovered, run.ConnectionId, run.CustomerId, now, runId,
                data: new System.Text.Json.Nodes.JsonObject { ["failedRunsBefore"] = failedRuns, ["failingSince"] = since.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        }
        Outbox.Delivered(db, run.ConnectionId, run.CustomerId, run.Kind, runId, now, run.Rows, run.Bytes, run.Parts, receipt?.Key, receipt?.Document);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Telemetry.PortalMetrics.RunEnded(run.Kind, RunStatus.Succeeded, run.StartedAt, now);
        Telemetry.PortalMetrics.Delivered(run.Kind, run.Rows, run.Bytes, run.Parts);
        return true;
    }

    /// <summary>
    /// Queued or running → failed or cancelled with the error and its step; uploads left to abort are remembered
    /// either way. False when the run had already ended (a late failure never overwrites a recorded end).
    /// </summary>
    /// <param name="pauseAfter">
    /// Set when this failure is final (no retry follows): the connection's failed runs in a row go up by one,
    /// <c>run.failed</c> and <c>connection.failing</c> are queued, and at this many (when above 0) its schedule pauses.
    /// </param>
    public async Task<bool> FailAsync(
        long runId, string error, IReadOnlyList<(string Key, string UploadId)> pendingAborts, CancellationToken ct, RunStatus status = RunStatus.Failed, string? step = null,
        int? pauseAfter = null, IReadOnlyDictionary<string, IReadOnlyList<Portal.Core.Formats.SchemaChange>>? schemaChanges = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var text = error.Length > 8000 ? error[..8000] : error;
        var at = step is { Length: > 500 } ? step[..500] : step;
        var moved = await db.Runs.Where(r => r.Id == runId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, status).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.Error, text).SetProperty(r => r.ErrorStep, at), ct);
        var ended = await db.Runs.Where(r => r.Id == runId).Select(r => new { r.ConnectionId, r.Kind, r.StartedAt }).FirstOrDefaultAsync(ct);
        var connectionId = ended?.ConnectionId ?? Guid.Empty;
        if (moved > 0)
        {
            var where = step is null ? "" : $" (at {at})";
            db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = status.ToString(), Message = (error.Length > 3900 ? error[..3900] : error) + where });
        }
        foreach (var (key, uploadId) in pendingAborts)
            db.PendingAborts.Add(new PendingAbort { ConnectionId = connectionId, Key = key, UploadId = uploadId, RunId = runId });
        if (moved > 0 && status == RunStatus.Failed && pauseAfter is { } limit)
        {
            await FailedFinallyAsync(db, runId, connectionId, now, text, at, limit, ct);
            // A run failed for its schema's changes (the connection fails on them): said once, when no retry follows.
            if (schemaChanges is { Count: > 0 } && await Connection(db, connectionId).Select(c => (Guid?)c.CustomerId).FirstOrDefaultAsync(ct) is { } customer)
                Outbox.SchemaChanged(db, connectionId, customer, runId, now, schemaChanges, failed: true);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (moved > 0 && ended is not null) Telemetry.PortalMetrics.RunEnded(ended.Kind, status, ended.StartedAt, now);
        return moved > 0;
    }

    /// <summary>A failure recorded earlier (by the heartbeat watchdog) turned out final: no retry follows it. Notified, and counted toward a pause, now.</summary>
    public async Task FinalFailureAsync(long runId, int pauseAfter, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.Runs.IgnoreQueryFilters().AsNoTracking().FirstAsync(r => r.Id == runId, ct);
        await FailedFinallyAsync(db, runId, run.ConnectionId, clock.GetUtcNow(), run.Error ?? "", run.ErrorStep, pauseAfter, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    // A run that failed for good: the streak grows, the failure is queued for notification, and a long streak pauses the schedule.
    private static async Task FailedFinallyAsync(PortalDbContext db, long runId, Guid connectionId, DateTimeOffset now, string error, string? step, int pauseAfter, CancellationToken ct)
    {
        await Connection(db, connectionId).ExecuteUpdateAsync(u => u.SetProperty(c => c.ConsecutiveFailures, c => c.ConsecutiveFailures + 1)
            .SetProperty(c => c.FailingSince, c => c.FailingSince ?? now), ct);
        var connection = await Connection(db, connectionId).AsNoTracking().FirstOrDefaultAsync(ct);
        if (connection is null) return;
        Outbox.RunFailed(db, connectionId, connection.CustomerId, runId, now, connection.ConsecutiveFailures, error, step);
        if (pauseAfter <= 0 || connection.ConsecutiveFailures < pauseAfter || !connection.Enabled || connection.ArchivedAt is not null) return;
        var reason = $"Paused automatically after {connection.ConsecutiveFailures} failed runs in a row (Portal:Runs:PauseAfterFailures = {pauseAfter}); resume it once the cause is fixed.";
        await Connection(db, connectionId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Enabled, false).SetProperty(c => c.PausedReason, reason).SetProperty(c => c.PausedAt, now), ct);
        connection.PausedReason = reason;
        Outbox.Paused(db, connection, now, reason, runId);
        db.RunEvents.Add(new RunEvent { RunId = runId, At = now, Kind = "Paused", Message = reason });
        Audit.AuditLog.Record(db, "ConnectionPaused", nameof(Connection), connectionId.ToString(), connection.CustomerId, reason);
    }

    private static IQueryable<Connection> Connection(PortalDbContext db, Guid id) => db.Connections.IgnoreQueryFilters().Where(c => c.Id == id);
}
