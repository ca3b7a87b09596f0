namespace Portal.Infrastructure.Runs;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Core.Validation;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;

/// <summary>What operators do with runs: run now, rerun failures (one or all matching), cancel a running one. Reading runs is <see cref="RunQueries"/>.</summary>
public sealed class RunActions(IDbContextFactory<PortalDbContext> contexts, RunRecorder recorder, RunLifecycle lifecycle, ConnectionScheduler scheduler)
{
    /// <summary>
    /// Queues a manual run of a connection now; an artifact sync names the schedule to sync (or has only one).
    /// Null when the caller may not see the connection.
    /// </summary>
    public async Task<Run?> RunNowAsync(Guid connectionId, string? schedule, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.Connections.AsNoTracking().Include(c => c.Schedules).FirstOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null) return null;
        if (connection.Kind == DeliveryKind.ArtifactSync)
        {
            schedule ??= connection.Schedules.Count == 1 ? connection.Schedules[0].Name : null;
            if (schedule is null || connection.Schedules.All(s => s.Name != schedule))
                throw new ValidationException("schedule", connection.Schedules.Count == 0
                    ? "The connection has no schedules yet: add one in its settings."
                    : $"Name one of the connection's schedules: {string.Join(", ", connection.Schedules.Select(s => s.Name))}.");
        }
        else
        {
            schedule = null;
        }
        var run = await recorder.CreateAsync(connection, RunTrigger.Manual, 1, null, ct);
        AuditLog.Record(db, "RunStarted", nameof(Run), run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), run.CustomerId,
            schedule is null ? $"of {connection.Name}" : $"of {connection.Name}, schedule {schedule}");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(connection.Id, new RunTicket(RunTrigger.Manual, run.Id, Schedule: schedule), ct);
        return run;
    }

    /// <summary>
    /// Queues a backfill: a one-off run of <c>(from, to]</c> for the named cursor streams of a stream export, which moves
    /// no mark. <paramref name="from"/> null means from the first row. Null when the caller may not see the connection.
    /// </summary>
    public async Task<Run?> BackfillAsync(Guid connectionId, IReadOnlyList<string>? streams, string? from, string? to, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.Connections.AsNoTracking().Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == connectionId, ct);
        if (connection is null) return null;
        var errors = new FieldErrors();
        var chosen = (streams ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).ToList();
        errors.Require(connection.Kind == DeliveryKind.StreamExport, "streams", "Only a stream export's streams have cursors to backfill.");
        errors.Require(chosen.Count > 0, "streams", "Name the streams to backfill.");
        errors.Require(!string.IsNullOrWhiteSpace(to), "to", "Give the range's upper end (included).");
        errors.Require((from?.Length ?? 0) <= Delivery.DeliveryRunner.MaxMarkLength && (to?.Length ?? 0) <= Delivery.DeliveryRunner.MaxMarkLength, "to",
            $"A bound has at most {Delivery.DeliveryRunner.MaxMarkLength} characters.");
        errors.ThrowIfInvalid();
        foreach (var name in chosen)
        {
            var stream = connection.Streams.FirstOrDefault(s => s.Name == name);
            if (stream?.CursorColumn is null)
            {
                errors.Add("streams", stream is null ? $"The connection has no stream '{name}'." : $"The stream '{name}' has no cursor column: it is read whole by every run.");
                continue;
            }
            // Kinds are read from the source when a stream is saved; one not known yet is checked by the run itself.
            if (stream.CursorKind is not { } kind) continue;
            if (from is not null && Core.Sources.CursorMarks.MarkProblem(kind, from) is { } fromProblem) errors.Add("from", $"{name}: {fromProblem}");
            if (Core.Sources.CursorMarks.MarkProblem(kind, to!) is { } toProblem) errors.Add("to", $"{name}: {toProblem}");
            else if (from is not null && Core.Sources.CursorMarks.MarkProblem(kind, from) is null && Core.Sources.CursorMarks.Compare(kind, from, to!) >= 0)
                errors.Add("to", "The range (from, to] is empty: 'to' must be above 'from'.");
        }
        errors.ThrowIfInvalid();
        var range = new BackfillRange(chosen, string.IsNullOrWhiteSpace(from) ? null : from, to!);
        var run = await recorder.CreateAsync(connection, RunTrigger.Backfill, 1, null, ct, backfill: range.ToJson());
        AuditLog.Record(db, "Backfill", nameof(Run), run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), run.CustomerId,
            $"of {connection.Name}: {string.Join(", ", chosen)} over ({range.From ?? "the first row"}, {range.To}]");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(connection.Id, new RunTicket(RunTrigger.Backfill, run.Id), ct);
        return run;
    }

    /// <summary>
    /// Queues an exact redelivery of a delivered stream-export run: the same cursor ranges read again and written to the
    /// same keys (the run's id and load time), moving no mark; a redelivery of a redelivery repeats the original. The
    /// run id, or the reason it cannot be redelivered; null when the caller may not see the run.
    /// </summary>
    public async Task<(long? RunId, string? Conflict)?> RedeliverAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var past = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (past is null) return null;
        if (past.RedeliveryOfId is { } first) past = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstAsync(r => r.Id == first, ct);
        if (past.Kind != DeliveryKind.StreamExport) return (null, $"Run {id} is a {past.Kind}: only stream-export runs are redelivered exactly (rerun a dump or an artifact sync).");
        if (past.Status != RunStatus.Succeeded) return (null, $"Run {id} is {past.Status}: only a delivered run can be redelivered (rerun a failed one).");
        if (past.Backfill is not null) return (null, $"Run {id} is a backfill: run the same backfill again instead.");
        var connection = await db.Connections.AsNoTracking().Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == past.ConnectionId, ct);
        if (connection is null) return (null, $"Run {id} belongs to a deleted connection: it cannot be redelivered.");
        // Runs recorded before ranges were kept say nothing of theirs; their rows cannot be found again exactly.
        var unknown = past.Streams.Where(s => s.Rows > 0 && s.CursorTo is null && connection.Streams.Any(c => c.Name == s.Name && c.CursorColumn is not null)).Select(s => s.Name).ToList();
        if (unknown.Count > 0) return (null, $"Run {past.Id} did not record the cursor range of {string.Join(", ", unknown)}: it cannot be redelivered exactly.");
        var redelivery = await recorder.CreateAsync(connection, RunTrigger.Redelivery, 1, null, ct, redeliveryOf: past.Id);
        AuditLog.Record(db, "RunRedelivered", nameof(Run), past.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), past.CustomerId, $"as run {redelivery.Id}");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(connection.Id, new RunTicket(RunTrigger.Redelivery, redelivery.Id), ct);
        return (redelivery.Id, null);
    }

    /// <summary>Reruns a failed or cancelled run with the connection's current settings; the reason when it cannot be rerun.</summary>
    public async Task<(long? RunId, string? Conflict)> RerunAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new KeyNotFoundException($"No run {id}.");
        if (run.Status is not (RunStatus.Failed or RunStatus.Cancelled))
            return (null, $"Run {id} is {run.Status}: only failed or cancelled runs are rerun.");
        var connection = await db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == run.ConnectionId, ct);
        if (connection is null) return (null, $"Run {id} belongs to a deleted connection: it cannot be rerun.");
        var rerun = await recorder.CreateAsync(connection, RunTrigger.Rerun, 1, run.Id, ct);
        AuditLog.Record(db, "RunRerun", nameof(Run), run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), run.CustomerId, $"as run {rerun.Id}");
        await db.SaveChangesAsync(ct);
        await scheduler.RunNowAsync(connection.Id, new RunTicket(RunTrigger.Rerun, rerun.Id), ct);
        return (rerun.Id, null);
    }

    /// <summary>How many runs <see cref="RerunFailedAsync"/> would rerun with these filters (the confirmation states it).</summary>
    public async Task<int> CountRerunnableAsync(RunQuery q, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Rerunnable(db, q).CountAsync(ct);
    }

    /// <summary>
    /// Reruns every failed run that matches the filters and still needs attention (not resolved, not rerun
    /// or retried yet), each linked to its own rerun. They are queued, not started at once: Quartz runs one run of a
    /// connection at a time and no more than its thread pool in all, so the workers are not overloaded.
    /// </summary>
    public async Task<IReadOnlyList<long>> RerunFailedAsync(RunQuery q, CancellationToken ct)
    {
        List<long> failed;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            failed = await Rerunnable(db, q).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        }
        var started = new List<long>();
        foreach (var id in failed)
        {
            if (await RerunAsync(id, ct) is { RunId: { } rerun }) started.Add(rerun);
        }
        return started;
    }

    private static IQueryable<Run> Rerunnable(PortalDbContext db, RunQuery q) =>
        RunQueries.Filter(db, q with { Status = RunStatus.Failed, NeedsAttention = true })
            // A failure already rerun is represented by its rerun (a retried one is left out by the needs-attention filter).
            .Where(r => !db.Runs.Any(x => x.RerunOfId == r.Id));

    /// <summary>
    /// Cancels the run named, and only it: a queued run never starts, a running one is stopped on the node that
    /// runs it (see <see cref="RunLifecycle.CancelAsync"/>). The reason when it cannot be cancelled.
    /// </summary>
    public async Task<string?> CancelAsync(long id, CancellationToken ct)
    {
        if (await lifecycle.CancelAsync(id, ct) is { } conflict) return conflict;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var customer = await db.Runs.Where(r => r.Id == id).Select(r => r.CustomerId).FirstAsync(ct);
        AuditLog.Record(db, "RunCancelled", nameof(Run), id.ToString(System.Globalization.CultureInfo.InvariantCulture), customer);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
