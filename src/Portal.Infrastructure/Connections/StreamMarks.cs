namespace Portal.Infrastructure.Connections;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Core.Sources;
using Portal.Core.Validation;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.KeyTemplates;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Sources;

/// <summary>
/// Sets a stream's mark (the cursor value its next run starts after) to a value, or back to the stream's start, with a
/// preview first: how many rows and which keys the next run would then write. Refused while a run of the connection is
/// queued or running (its success would write its own mark over this one); audited with the mark before and after.
/// </summary>
public sealed class StreamMarks(IDbContextFactory<PortalDbContext> contexts, SourceReaderFactory readers, KeyPreviewService previews)
{
    public const string Action = "StreamMarkSet";

    /// <summary>The change (applied unless <paramref name="dryRun"/>), or null when the connection or stream is not visible.</summary>
    public async Task<MarkChange?> SetAsync(Guid connectionId, string stream, string? value, bool dryRun, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var connection = await db.Connections.Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == connectionId, ct);
        var target = connection?.Streams.FirstOrDefault(s => s.Name == stream);
        if (connection is null || target is null) return null;
        var errors = new FieldErrors()
            .Require(connection.Kind == DeliveryKind.StreamExport && target.CursorColumn is not null, "stream",
                $"The stream '{stream}' has no cursor column: every run reads the whole table, so it has no mark to set.")
            .Require(value is null || value.Length <= Delivery.DeliveryRunner.MaxMarkLength, "value", $"A mark has at most {Delivery.DeliveryRunner.MaxMarkLength} characters.");
        errors.ThrowIfInvalid();
        var source = connection.SourceId is { } id ? await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) : null;
        if (source is null) throw new ValidationException("stream", "The connection has no source to read the stream from.");

        await using var reader = readers.Open(source);
        var cursor = await reader.CursorAsync(target.Table, target.CursorColumn!, ct);
        var kind = cursor?.Kind ?? target.CursorKind;
        var mark = string.IsNullOrWhiteSpace(value) ? null : value;
        if (mark is not null && kind is { } k)
        {
            if (CursorMarks.MarkProblem(k, mark) is { } problem) throw new ValidationException("value", problem);
            CursorMarks.TryParse(k, mark, out var typed);
            mark = CursorMarks.Format(k, typed);
        }
        // The next run starts after the mark; without one, after the stream's configured start (or from the first row).
        var from = mark ?? target.CursorStart;
        long rows = 0;
        if (cursor is not null && await reader.MaxCursorAsync(target.Table, cursor, from, ct) is { } upper)
            rows = await reader.CountRowsAsync(target.Table, new CursorRange(cursor, from, upper), ct);
        var keys = Keys(connection, target, from);

        var before = target.CursorValue;
        if (!dryRun)
        {
            if (await db.Runs.AnyAsync(r => r.ConnectionId == connectionId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running), ct))
                throw new MarkConflictException("A run of this connection is queued or running: wait for it to end (or cancel it), then set the mark.");
            target.CursorValue = mark;
            AuditLog.Record(db, Action, nameof(ConnectionStream), target.Id.ToString(), connection.CustomerId,
                $"{connection.Name}/{target.Name}: mark {before ?? "(none)"} → {mark ?? "(none: from the start)"}");
            await db.SaveChangesAsync(ct);
        }
        return new MarkChange(target.Name, before, mark, from, rows, keys, !dryRun);
    }

    // The first keys the stream's next run writes, its cursor macros at the new mark; load-time macros at now.
    private IReadOnlyList<string> Keys(Connection connection, ConnectionStream stream, string? from)
    {
        var draft = KeyDraft.Of(connection, connection.Template) with
        {
            Streams = [new DraftStream(stream.Id.ToString(), stream.Name, HasCursor: true, from)],
        };
        return previews.PreviewDraft(draft, scheduledRuns: 0, parts: 1).Result.Keys.Select(k => k.Key).ToList();
    }
}

/// <summary>What setting a mark does: before and after, where the next run starts, and the rows and first keys it would write.</summary>
public sealed record MarkChange(string Stream, string? Before, string? After, string? NextRunFrom, long Rows, IReadOnlyList<string> Keys, bool Applied);

/// <summary>The mark cannot be set now (a run is queued or running).</summary>
public sealed class MarkConflictException(string message) : InvalidOperationException(message);
