namespace Portal.Core.Formats;

/// <summary>The row writer of a format, and the content type of its files.</summary>
public static class RowWriters
{
    public static IRowWriter Create(string format, Stream output, IReadOnlyList<SourceColumn> columns) => format switch
    {
        FileFormats.Csv => new CsvRowWriter(output, columns),
        FileFormats.Jsonl or FileFormats.Ndjson => new NdjsonRowWriter(output, columns),
        FileFormats.Parquet => new ParquetRowWriter(output, columns),
        _ => throw new NotSupportedException($"The format '{format}' has no row writer yet."),
    };

    /// <summary>Writes one row of values (see <see cref="RowBatch.AddRow(ReadOnlySpan{object?})"/>), off the hot path.</summary>
    public static ValueTask WriteRowAsync(this IRowWriter writer, object?[] row, CancellationToken cancellationToken) =>
        writer.WriteRowAsync(RowBatch.Of(row), 0, cancellationToken);

    public static string ContentType(string format, string compression) => compression == FileFormats.Gzip
        ? "application/gzip"
        : format switch
        {
            FileFormats.Csv => "text/csv; charset=utf-8",
            FileFormats.Parquet => "application/vnd.apache.parquet",
            _ => "application/x-ndjson",
        };
}
