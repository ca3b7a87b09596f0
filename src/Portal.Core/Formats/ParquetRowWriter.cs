namespace Portal.Core.Formats;

using System.Globalization;
using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;

/// <summary>
/// Typed Parquet columns mapped from the source types, snappy-compressed. Rows are buffered per row
/// group (a bounded number of rows), and a full group is encoded on another core while the next fills (two groups at
/// most), so memory stays flat however long the stream is. A value that does not fit its column's type fails the stream with a message naming both, rather than being dropped.
/// </summary>
public sealed partial class ParquetRowWriter : IRowWriter
{
    public const int RowGroupRows = 50_000;

    private readonly Stream _output;
    private readonly IReadOnlyList<SourceColumn> _columns;
    private readonly DataField[] _fields;
    private List<object?>[] _buffers;
    private List<object?>[]? _spare;
    private ParquetWriter? _writer;

    // The row group being encoded and written while the next one fills (one at a time, in order).
    private Task _writing = Task.CompletedTask;
    private int _rows;

    public ParquetRowWriter(Stream output, IReadOnlyList<SourceColumn> columns)
    {
        _output = output;
        _columns = columns;
        _fields = columns.Select(FieldOf).ToArray();
        _buffers = columns.Select(_ => new List<object?>(RowGroupRows)).ToArray();
    }

    public static DataField FieldOf(SourceColumn c) => c.Kind switch
    {
        ColumnKind.Integer => new DataField(c.Name, typeof(long), isNullable: true),
        ColumnKind.Real => new DataField(c.Name, typeof(double), isNullable: true),
        ColumnKind.Decimal => DecimalField(c),
        ColumnKind.Boolean => new DataField(c.Name, typeof(bool), isNullable: true),
        ColumnKind.Date => new DataField(c.Name, typeof(DateOnly), isNullable: true),
        ColumnKind.Timestamp => new DateTimeDataField(c.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        ColumnKind.Blob => new DataField(c.Name, typeof(byte[]), isNullable: true),
        _ => new DataField(c.Name, typeof(string), isNullable: true),
    };

    // NUMERIC(p,s) keeps its precision and scale; an undeclared one gets room for 20 integer and 18 fraction digits.
    private static DecimalDataField DecimalField(SourceColumn c)
    {
        var m = PrecisionScale().Match(c.SourceType);
        var (precision, scale) = m.Success
            ? (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0)
            : (38, 18);
        return new DecimalDataField(c.Name, Math.Clamp(precision, 1, 38), Math.Clamp(scale, 0, Math.Min(precision, 38)), forceByteArrayEncoding: false, isNullable: true);
    }

    public async ValueTask WriteRowAsync(RowBatch batch, int row, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _fields.Length; i++) _buffers[i].Add(Coerce(batch.Value(row, i), _columns[i]));
        if (++_rows == RowGroupRows) await FlushRowGroupAsync(cancellationToken);
    }

    private static object? Coerce(object? value, SourceColumn column)
    {
        if (value is null) return null;
        object? result = (column.Kind, value) switch
        {
            (ColumnKind.Integer, long l) => l,
            (ColumnKind.Integer, int i) => (long)i,
            (ColumnKind.Real, double d) => d,
            (ColumnKind.Real, long l) => (double)l,
            (ColumnKind.Decimal, decimal m) => m,
            (ColumnKind.Decimal, long l) => (decimal)l,
            (ColumnKind.Boolean, bool b) => b,
            (ColumnKind.Date, DateOnly d) => d,
            (ColumnKind.Timestamp, DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc),
            (ColumnKind.Blob, byte[] b) => b,
            (ColumnKind.Text, _) => ValueText.Format(value),
            _ => null,
        };
        return result ?? throw new FormatException(
            $"Column '{column.Name}' ({column.SourceType}) holds '{ValueText.Format(value)}', which is not a {column.Kind.ToString().ToLowerInvariant()}: Parquet columns are typed. Deliver this table as csv or jsonl, or clean the column.");
    }

    // Hands the full row group to a task of its own, once the one before is written: encoding (snappy) runs on another core
    // while rows fill the next group, and at most two groups are held.
    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        await _writing;
        var full = _buffers;
        _buffers = _spare ?? _columns.Select(_ => new List<object?>(RowGroupRows)).ToArray();
        _spare = null;
        _rows = 0;
        _writing = Task.Run(async () =>
        {
            _writer ??= await ParquetWriter.CreateAsync(new ParquetSchema(_fields), _output, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, append: false, cancellationToken);
            using (var group = _writer.CreateRowGroup())
            {
                for (var i = 0; i < _fields.Length; i++) await WriteColumnAsync(group, _fields[i], _columns[i].Kind, full[i], cancellationToken);
            }
            foreach (var b in full) b.Clear();
            _spare = full;
        }, cancellationToken);
    }

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, ColumnKind kind, List<object?> values, CancellationToken ct) => kind switch
    {
        ColumnKind.Integer => group.WriteAsync<long>(field, values.Select(v => (long?)v).ToArray(), null, null, ct),
        ColumnKind.Real => group.WriteAsync<double>(field, values.Select(v => (double?)v).ToArray(), null, null, ct),
        ColumnKind.Decimal => group.WriteAsync<decimal>(field, values.Select(v => (decimal?)v).ToArray(), null, null, ct),
        ColumnKind.Boolean => group.WriteAsync<bool>(field, values.Select(v => (bool?)v).ToArray(), null, null, ct),
        ColumnKind.Date => group.WriteAsync<DateOnly>(field, values.Select(v => (DateOnly?)v).ToArray(), null, null, ct),
        ColumnKind.Timestamp => group.WriteAsync<DateTime>(field, values.Select(v => (DateTime?)v).ToArray(), null, null, ct),
        ColumnKind.Blob => group.WriteAsync(field, values.Select(v => (byte[])v!).ToArray(), null),
        _ => group.WriteAsync(field, values.Select(v => (string)v!).ToArray(), null),
    };

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _writing;
        if (_rows > 0 || _writer is null) await FlushRowGroupAsync(cancellationToken);
        await _writing;
        await _writer!.DisposeAsync();
        _writer = null;
        await _output.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Abandoned: the group in flight ends (its failure is the run's, reported already) before the writer goes.
        try { await _writing; } catch (Exception) { /* reported by the write that awaited it, or moot */ }
        if (_writer is not null) await _writer.DisposeAsync();
    }

    [GeneratedRegex(@"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)")]
    private static partial Regex PrecisionScale();
}
