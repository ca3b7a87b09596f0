namespace Portal.Infrastructure.Runs;

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Persistence;

/// <summary>Writes a run's life into its Run record: queued, running with progress, and how it ended.</summary>
public sealed class RunRecorder(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public async Task<Run> CreateAsync(Connection connection, RunTrigger trigger, int attempt, long? rerunOf, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = new Run
        {
            ConnectionId = connection.Id, CustomerId = connection.CustomerId, Kind = connection.Kind,
            Trigger = trigger, Attempt = attempt, RerunOfId = rerunOf, QueuedAt = clock.GetUtcNow(),
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
        run.StartedAt = clock.GetUtcNow();
        run.Streams.Clear();
        run.Streams.AddRange(streams.Select(name => new RunStream { Name = name }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Saves the latest progress of each stream (called at most once a second by the job).</summary>
    public async Task SaveProgressAsync(long runId, IReadOnlyCollection<StreamProgress> progress, CancellationToken ct)
    {
        if (progress.Count == 0) return;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        foreach (var p in progress)
        {
            var stream = run.Streams.FirstOrDefault(s => s.Name == p.Name);
            if (stream is null) continue;
            (stream.Rows, stream.Parts, stream.Bytes) = (p.Rows, p.Parts, p.Bytes);
        }
        (run.Rows, run.Parts, run.Bytes) = (run.Streams.Sum(s => s.Rows), run.Streams.Sum(s => s.Parts), run.Streams.Sum(s => s.Bytes));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Marks the run succeeded with its keys, advances the cursor marks (only now, when the whole run
    /// succeeded) and marks the connection's earlier failures as resolved — all in one transaction.
    /// </summary>
    public async Task SucceedAsync(long runId, DeliveryOutcome outcome, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var run = await db.Runs.Include(r => r.Streams).SingleAsync(r => r.Id == runId, ct);
        foreach (var s in outcome.Streams)
        {
            var stream = run.Streams.FirstOrDefault(x => x.Name == s.Name);
            if (stream is not null) (stream.Rows, stream.Parts, stream.Bytes) = (s.Rows, s.Files.Count, s.Bytes);
        }
        run.Status = RunStatus.Succeeded;
        run.FinishedAt = clock.GetUtcNow();
        run.Error = null;
        (run.Rows, run.Parts, run.Bytes) = (outcome.Streams.Sum(s => s.Rows), outcome.Streams.Sum(s => s.Files.Count), outcome.Streams.Sum(s => s.Bytes));
        run.KeysJson = JsonSerializer.Serialize(outcome.Keys);
        var streams = await db.ConnectionStreams.Where(s => s.ConnectionId == run.ConnectionId).ToListAsync(ct);
        foreach (var s in outcome.Streams.Where(s => s.NewMark is not null))
        {
            var stream = streams.FirstOrDefault(x => x.Name == s.Name);
            if (stream is not null) stream.CursorValue = s.NewMark;
        }
        await db.Runs.Where(r => r.ConnectionId == run.ConnectionId && r.Status == RunStatus.Failed && !r.Resolved && r.Id < runId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Resolved, true), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task FailAsync(long runId, string error, IReadOnlyList<(string Key, string UploadId)> pendingAborts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
        run.Status = RunStatus.Failed;
        run.FinishedAt = clock.GetUtcNow();
        run.Error = error.Length > 8000 ? error[..8000] : error;
        foreach (var (key, uploadId) in pendingAborts)
            db.PendingAborts.Add(new PendingAbort { ConnectionId = run.ConnectionId, Key = key, UploadId = uploadId, RunId = runId });
        await db.SaveChangesAsync(ct);
    }
}
