namespace Portal.Infrastructure.Sources;

using Portal.Core.Formats;

/// <summary>Reads a customer's source as forward-only row streams: never a whole table in memory.</summary>
public interface ISourceReader : IAsyncDisposable
{
    Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string table, CancellationToken cancellationToken);

    /// <summary>Rows in column order; with a cursor, only rows with <c>after &lt; cursor ≤ upTo</c>, in cursor order.</summary>
    IAsyncEnumerable<object?[]> ReadAsync(string table, IReadOnlyList<SourceColumn> columns, CursorRange? range, CancellationToken cancellationToken);

    /// <summary>The largest value of a cursor column now (the upper bound of a run), as text; null for an empty table.</summary>
    Task<string?> MaxCursorAsync(string table, string column, CancellationToken cancellationToken);

    /// <summary>
    /// About how many rows <see cref="ReadAsync"/> will read, for a progress bar; null when it cannot be
    /// told cheaply. Exact where counting is cheap (SQLite), the planner's estimate elsewhere.
    /// </summary>
    Task<long?> EstimateRowsAsync(string table, CursorRange? range, CancellationToken cancellationToken);
}

/// <summary>The rows a run reads: cursor values after the last mark, up to the mark taken when the run started.</summary>
public sealed record CursorRange(string Column, string? After, string UpTo);
