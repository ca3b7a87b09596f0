namespace Portal.Infrastructure.Sources;

using Portal.Core.Formats;
using Portal.Core.Sources;

/// <summary>Reads a customer's source as forward-only row streams: never a whole table in memory.</summary>
public interface ISourceReader : IAsyncDisposable
{
    Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string table, CancellationToken cancellationToken);

    /// <summary>
    /// Rows in column order, in batches read ahead on a task of their own (a batch is valid until the next is asked for);
    /// with a cursor, only rows with <c>after &lt; cursor ≤ upTo</c>, in cursor order.
    /// </summary>
    IAsyncEnumerable<RowBatch> ReadAsync(string table, IReadOnlyList<SourceColumn> columns, CursorRange? range, CancellationToken cancellationToken);

    /// <summary>
    /// A cursor column's kind, read from the source (SQLite columns without a declared type: from their
    /// values). Null when it cannot be told yet (no declared type and no values). Throws
    /// <see cref="CursorColumnException"/> when the column is missing, cannot be ordered or mixes kinds.
    /// </summary>
    Task<CursorColumn?> CursorAsync(string table, string column, CancellationToken cancellationToken);

    /// <summary>
    /// The largest cursor value above <paramref name="after"/> now (the upper bound of a run), compared in the
    /// cursor's kind, as its canonical text; null when no row lies above it.
    /// </summary>
    Task<string?> MaxCursorAsync(string table, CursorColumn cursor, string? after, CancellationToken cancellationToken);

    /// <summary>
    /// About how many rows <see cref="ReadAsync"/> will read, for a progress bar; null when it cannot be
    /// told cheaply. Exact where counting is cheap (SQLite), the planner's estimate elsewhere.
    /// </summary>
    Task<long?> EstimateRowsAsync(string table, CursorRange? range, CancellationToken cancellationToken);

    /// <summary>Exactly how many rows lie in the range (a mark's dry run states it); a count, so use it where one is wanted.</summary>
    Task<long> CountRowsAsync(string table, CursorRange range, CancellationToken cancellationToken);
}

/// <summary>The rows a run reads: cursor values after the last mark, up to the mark taken when the run started.</summary>
public sealed record CursorRange(CursorColumn Cursor, string? After, string UpTo)
{
    public string Column => Cursor.Column.Name;
}

/// <summary>A stream's cursor column as the source has it, and the kind its marks are compared in.</summary>
public sealed record CursorColumn(SourceColumn Column, CursorKind Kind);

/// <summary>A cursor column the source cannot order by (missing, unorderable, mixed kinds); the message names the column.</summary>
public sealed class CursorColumnException(string message) : InvalidOperationException(message);
