namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Persistence;

/// <summary>Writes a run's life into its Run record: queued, running with progress, and how it ended.</summary>
public sealed class RunRecorder(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<Run> CreateAsync(Connection connection, RunTrigger trigger, int attempt, long? rerunOf, CancellationToken ct, long? previousAttempt = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = new Run
        {
            ConnectionId = connection.Id, CustomerId = connection.CustomerId, Kind = connection.Kind,
            Trigger = trigger, Attempt = attempt, RerunOfId = rerunOf, PreviousAttemptId = previousAttempt, QueuedAt = clock.GetUtcNow(),
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    public async Task StartAsync(long runId, IEnumerable<string> streams, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        run.Status = RunStatus.Running;
        run.StartedAt = run.HeartbeatAt = clock.GetUtcNow();
        run.Streams.Clear();
        run.Streams.AddRange(streams.Select(name => new RunStream { Name = name }));
        db.RunEvents.Add(new RunEvent { RunId = runId, At = run.StartedAt.Value, Kind = "Started", Message = $"Attempt {run.Attempt} started ({run.Trigger})." });
        await db.SaveChangesAsync(ct);
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
    public async Task SaveProgressAsync(long runId, IReadOnlyCollection<StreamProgress> progress, IReadOnlyList<RunEvent> notes, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        if (progress.Count == 0 && notes.Count == 0)
        {
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u.SetProperty(r => r.HeartbeatAt, now), ct);
            return;
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
            if (stream is not null && note.Kind == RunNote.StreamFinished) stream.FinishedAt = note.At;
            db.RunEvents.Add(note);
        }
        (run.Rows, run.Parts, run.Bytes) = (run.Streams.Sum(s => s.Rows), run.Streams.Sum(s => s.Parts), run.Streams.Sum(s => s.Bytes));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Marks the run succeeded with its keys, advances the cursor marks (only now, when the whole run
    /// succeeded) and marks the connection's earlier failures as resolved — all in one transaction.
    /// </summary>
    public Task SucceedAsync(long runId, DeliveryOutcome outcome, CancellationToken ct) =>
        SucceedAsync(runId, outcome.Streams.Select(s => new StreamProgress(s.Name, s.Rows, s.Files.Count, s.Bytes)).ToList(), outcome.Keys,
            outcome.Streams.Where(s => s.NewMark is not null).ToDictionary(s => s.Name, s => s.NewMark!), ct);

    /// <summary>An artifact sync's success: per command its files and bytes; the keys are the archive folder and the pointer.</summary>
    public Task SucceedAsync(long runId, Artifacts.ArtifactSyncResult result, CancellationToken ct) =>
        SucceedAsync(runId,
            result.Commands.Select(c => new StreamProgress(Portal.Core.Artifacts.ArtifactLayout.CommandName(c.Id, c.Command), 0, c.Files, c.Bytes)).ToList(),
            [result.ArchiveFolder, result.PointerKey], new Dictionary<string, string>(), ct);

    private async Task SucceedAsync(long runId, IReadOnlyList<StreamProgress> streamsDone, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> marks, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        foreach (var s in streamsDone)
        {
            var stream = run.Streams.FirstOrDefault(x => x.Name == s.Name);
            if (stream is null) run.Streams.Add(stream = new RunStream { Name = s.Name });
            (stream.Rows, stream.Parts, stream.Bytes) = (s.Rows, s.Parts, s.Bytes);
        }
        run.Status = RunStatus.Succeeded;
        run.FinishedAt = clock.GetUtcNow();
        run.Error = null;
        (run.Rows, run.Parts, run.Bytes) = (streamsDone.Sum(s => s.Rows), streamsDone.Sum(s => s.Parts), streamsDone.Sum(s => s.Bytes));
        run.SetKeys(keys);
        // Streams whose end was not logged while the run lasted (artifact commands) get their line now.
        foreach (var st in streamsDone.Where(st => run.Streams.Any(x => x.Name == st.Name && x.FinishedAt is null)))
            db.RunEvents.Add(new RunEvent { RunId = runId, At = run.FinishedAt.Value, Kind = RunNote.StreamFinished, Stream = st.Name, Message = $"{st.Rows:N0} rows in {st.Parts} files, {st.Bytes:N0} bytes." });
        foreach (var stream in run.Streams)
        {
            stream.StartedAt ??= run.StartedAt;
            stream.FinishedAt ??= run.FinishedAt;
        }
        db.RunEvents.Add(new RunEvent { RunId = runId, At = run.FinishedAt.Value, Kind = "Succeeded", Message = $"{keys.Count} keys written." });
        var streams = await db.ConnectionStreams.Where(s => s.ConnectionId == run.ConnectionId).ToListAsync(ct);
        foreach (var (name, mark) in marks)
        {
            var stream = streams.FirstOrDefault(x => x.Name == name);
            if (stream is not null) stream.CursorValue = mark;
        }
        await db.Runs.Where(r => r.ConnectionId == run.ConnectionId && r.Status == RunStatus.Failed && !r.Resolved && r.Id < runId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Resolved, true), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task FailAsync(
        long runId, string error, IReadOnlyList<(string Key, string UploadId)> pendingAborts, CancellationToken ct, RunStatus status = RunStatus.Failed, string? step = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
        run.Status = status;
        run.FinishedAt = clock.GetUtcNow();
        run.Error = error.Length > 8000 ? error[..8000] : error;
        run.ErrorStep = step is { Length: > 500 } ? step[..500] : step;
        var where = step is null ? "" : $" (at {run.ErrorStep})";
        db.RunEvents.Add(new RunEvent { RunId = runId, At = run.FinishedAt.Value, Kind = status.ToString(), Message = (error.Length > 3900 ? error[..3900] : error) + where });
        foreach (var (key, uploadId) in pendingAborts)
            db.PendingAborts.Add(new PendingAbort { ConnectionId = run.ConnectionId, Key = key, UploadId = uploadId, RunId = runId });
        await db.SaveChangesAsync(ct);
    }
}
