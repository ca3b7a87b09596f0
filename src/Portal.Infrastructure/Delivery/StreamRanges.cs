namespace Portal.Infrastructure.Delivery;

using Portal.Core.Connections;
using Portal.Core.Sources;
using Portal.Infrastructure.Sources;

/// <summary>
/// Which rows of a stream a run reads: the whole table (dumps, streams without a cursor), the rows above its mark up to
/// the largest value when the run starts (the rule <c>mark &lt; cursor ≤ new mark</c>), or a range of its own (a backfill,
/// an exact redelivery), which moves no mark.
/// </summary>
internal static class StreamRanges
{
    /// <summary>
    /// A stream's reading: the range (null: the whole table), the mark saved when the run succeeds, the cursor's kind, whether
    /// anything is read at all, the lower bound (for the manifest and the record) and the time the cursor macros take.
    /// </summary>
    internal sealed record Reading(CursorRange? Range, string? NewMark, CursorKind? Kind, bool Read, string? OldMark, DateTimeOffset? KeyCursor)
    {
        /// <summary>The upper bound of a range of its own, which a backfill's or a redelivery's manifest states.</summary>
        public string? RangeTo { get; init; }
    }

    public static async Task<Reading> ResolveAsync(ISourceReader reader, Connection connection, ConnectionStream stream, DeliveryRequest run, Action<string> at, CancellationToken ct)
    {
        var keyCursor = KeyTemplates.ConnectionPreviewStreams.CursorOf(stream);
        if (run.Ranges is { } ranges && stream.CursorColumn is { } fixedColumn && ranges.TryGetValue(stream.Name, out var given))
        {
            // Its cursor macros start at the range's lower bound. No upper bound (or an empty range): the run it repeats read nothing.
            var fromTime = KeyTemplates.KeyPreviewService.CursorOf(given.From);
            if (given.To is not { } to || to == given.From) return new Reading(null, null, null, false, given.From, fromTime) { RangeTo = given.To };
            at($"reading the cursor column {fixedColumn} of {stream.Table}");
            var cursor = await reader.CursorAsync(stream.Table, fixedColumn, ct)
                ?? throw new CursorColumnException($"The cursor column '{fixedColumn}' of '{stream.Table}' holds no values: the range ({given.From ?? "start"}, {to}] cannot be read.");
            foreach (var bound in new[] { given.From, to }.OfType<string>())
            {
                if (CursorMarks.MarkProblem(cursor.Kind, bound) is { } problem)
                    throw new CursorColumnException($"The range's bound does not fit the cursor column '{fixedColumn}' of '{stream.Table}': {problem}");
            }
            return new Reading(new CursorRange(cursor, given.From, to), null, cursor.Kind, true, given.From, fromTime) { RangeTo = to };
        }
        if (connection.Kind != DeliveryKind.StreamExport || stream.CursorColumn is not { } cursorColumn)
            return new Reading(null, null, null, true, null, keyCursor);

        at($"reading the cursor column {cursorColumn} of {stream.Table}");
        var mark = stream.CursorValue ?? stream.CursorStart;
        // The kind is read again each run: a column's values decide it in SQLite, and they may have changed.
        var column = await reader.CursorAsync(stream.Table, cursorColumn, ct);
        if (column is null) return new Reading(null, mark, stream.CursorKind, false, mark, keyCursor);
        if (mark is not null && CursorMarks.MarkProblem(column.Kind, mark) is { } markProblem)
            throw new CursorColumnException(
                $"The cursor column '{cursorColumn}' of '{stream.Table}' holds {column.Kind.ToString().ToLowerInvariant()} values, but the stream's mark does not: {markProblem} " +
                "Set the stream's cursor start again (saving it with another cursor column resets the mark).");
        // The run reads mark < cursor <= the largest cursor above the mark when it starts; that value becomes the new mark.
        if (await reader.MaxCursorAsync(stream.Table, column, mark, ct) is not { } upper) return new Reading(null, mark, column.Kind, false, mark, keyCursor);
        if (upper.Length > DeliveryRunner.MaxMarkLength)
            throw new CursorColumnException($"The cursor column '{cursorColumn}' of '{stream.Table}' holds a value of {upper.Length:N0} characters: a cursor's values must be at most {DeliveryRunner.MaxMarkLength} long.");
        return new Reading(new CursorRange(column, mark, upper), upper, column.Kind, true, mark, keyCursor);
    }
}
