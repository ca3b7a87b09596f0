namespace Portal.Infrastructure.Runs;

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.S3;

/// <summary>
/// Resuming a failed dump: a run that writes, into the failed dump's own folder and with its keys, only the tables without
/// a complete set of files there (a table that failed half-way is written again, its parts replaced), then the receipt.
/// Rerun stays what it was: a whole new dump in a new folder.
/// </summary>
public sealed class DumpResumes(
    IDbContextFactory<PortalDbContext> contexts, RunRecorder recorder, ConnectionScheduler scheduler, ConnectionCredentials credentials, S3ClientFactory clients)
{
    /// <summary>What a resume would do: the folder, and per table whether its files are kept (with their rows and count) or written.</summary>
    public sealed record Plan(long RunId, string Folder, IReadOnlyList<PlanTable> Tables);

    public sealed record PlanTable(string Name, bool Complete, long Rows, int Files);

    /// <summary>The plan read from the bucket now, or the reason the run cannot be resumed; null when the caller may not see it.</summary>
    public async Task<(Plan? Plan, string? Conflict)?> PlanAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await ResumableAsync(db, id, ct) is not { } check) return null;
        if (check.Conflict is not null) return (null, check.Conflict);
        var (run, connection) = (check.Run!, check.Connection!);
        using var s3 = await clients.CreateForAsync(connection, credentials, ct);
        var tables = await DumpResume.PlanAsync(s3, connection, run.StartedAt ?? DateTimeOffset.UtcNow, run.ConnectionRunId.ToString(), run.DumpFolder ?? "", ct);
        return (new Plan(run.Id, run.DumpFolder ?? "", tables.Select(t => new PlanTable(t.Stream, t.Complete is not null, t.Complete?.Sum(f => f.Rows) ?? 0, t.Complete?.Count ?? 0)).ToList()), null);
    }

    /// <summary>Queues the resume: the new run's id, or the reason it cannot be resumed; null when the caller may not see the run.</summary>
    public async Task<(long? RunId, string? Conflict)?> ResumeAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await ResumableAsync(db, id, ct) is not { } check) return null;
        if (check.Conflict is not null) return (null, check.Conflict);
        var resume = await recorder.CreateAsync(check.Connection!, RunTrigger.Resume, 1, null, ct, resumeOf: check.Run!.Id);
        AuditLog.Record(db, "RunResumed", nameof(Run), id.ToString(CultureInfo.InvariantCulture), check.Run.CustomerId, $"as run {resume.Id}, in {check.Run.DumpFolder}");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(check.Connection!.Id, new RunTicket(RunTrigger.Resume, resume.Id), ct);
        return (resume.Id, null);
    }

    // The run whose folder and keys a resume takes: the failed run, or for a failed resume the run it resumed (the same dump).
    private static async Task<(Run? Run, Connection? Connection, string? Conflict)?> ResumableAsync(PortalDbContext db, long id, CancellationToken ct)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run is null) return null;
        if (run.Kind != DeliveryKind.Dump) return (null, null, $"Run {id} is a {run.Kind}: only a dump is resumed (rerun it instead).");
        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled)) return (null, null, $"Run {id} is {run.Status}: only a failed or cancelled dump is resumed.");
        if (run.DumpFolder is null || run.StartedAt is null)
            return (null, null, $"Run {id} ended before it chose a folder: nothing of it is in the bucket to resume. Rerun it.");
        var keys = run.ResumeOfId is { } first ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == first, ct) ?? run : run;
        var connection = await db.Connections.AsNoTracking().Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == run.ConnectionId, ct);
        if (connection is null) return (null, null, $"Run {id} belongs to a deleted connection: it cannot be resumed.");
        if (await db.Runs.AnyAsync(r => r.ConnectionId == run.ConnectionId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running), ct))
            return (null, null, "A run of this connection is queued or running: resume once it has ended.");
        // receipt.json names the latest dump: completing an older one would point loaders back to it.
        if (await db.Runs.Where(r => r.ConnectionId == run.ConnectionId && r.Id > id && r.Status == RunStatus.Succeeded).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct) is { } later)
            return (null, null, $"Run {later}, a later dump, was delivered: resuming run {id} would make receipt.json point back to an older dump. Rerun for a new one.");
        return (keys, connection, null);
    }
}
