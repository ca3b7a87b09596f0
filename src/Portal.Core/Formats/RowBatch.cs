namespace Portal.Core.Formats;

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

/// <summary>What one cell of a <see cref="RowBatch"/> holds.</summary>
public enum CellKind : byte
{
    Null,
    Integer,
    Real,

    /// <summary>An exact decimal, kept as its invariant text (a <see cref="decimal"/>'s or a source's exact numeric text).</summary>
    Decimal,
    Boolean,
    Date,

    /// <summary>A time in UTC.</summary>
    Timestamp,

    /// <summary>Text as the source's UTF-8 bytes.</summary>
    Text,
    Blob,
}

/// <summary>
/// A block of rows as typed cells: what a source reader fills and a row writer writes, with no object per value (numbers
/// and times in one array of 64-bit slots, text and blobs as UTF-8 bytes in one buffer). A batch is full at
/// <see cref="Capacity"/> rows or once its bytes pass <see cref="ByteLimit"/>, so its memory stays bounded however wide
/// the values are; it is cleared and filled again.
/// </summary>
public sealed class RowBatch
{
    public const int DefaultRows = 1024;

    /// <summary>Text and blob bytes after which the batch counts as full (a single value may pass it).</summary>
    public const int ByteLimit = 1024 * 1024;

    /// <summary>Cells a batch of <see cref="For"/> holds at most: a table of 2,000 columns gets batches of 32 rows, not 1,024.</summary>
    public const int MaxCells = 64 * 1024;

    /// <summary>A batch for rows of <paramref name="columns"/> columns: <see cref="DefaultRows"/> rows, fewer for wide tables.</summary>
    public static RowBatch For(int columns) => new(columns, Math.Clamp(MaxCells / Math.Max(1, columns), 1, DefaultRows));

    private readonly CellKind[] _kinds;
    private readonly long[] _slots;
    private byte[] _bytes;
    private int _used;
    private int _cell = -1;

    public RowBatch(int columns, int capacity = DefaultRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Columns = columns;
        Capacity = capacity;
        _kinds = new CellKind[columns * capacity];
        _slots = new long[columns * capacity];
        _bytes = new byte[Math.Min(ByteLimit, 64 * capacity)];
    }

    public int Columns { get; }

    public int Capacity { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity || _used >= ByteLimit;

    public void Clear()
    {
        // A value far wider than the rest does not keep its buffer.
        if (_bytes.Length > 4 * ByteLimit) _bytes = new byte[ByteLimit];
        Count = 0;
        _used = 0;
        _cell = -1;
    }

    /// <summary>Starts a row (every cell null); the setters fill its cells.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRow()
    {
        if (Count == Capacity) throw new InvalidOperationException("The batch is full.");
        _cell = Count * Columns;
        Array.Clear(_kinds, _cell, Columns);
        Count++;
    }

    /// <summary>A batch of one row of values (see <see cref="AddRow(ReadOnlySpan{object?})"/>), for code off the hot path.</summary>
    public static RowBatch Of(params object?[] values)
    {
        var batch = new RowBatch(values.Length, 1);
        batch.AddRow(values);
        return batch;
    }

    /// <summary>Adds a row of values: long, int, double, float, decimal, string, bool, DateOnly, DateTime, DateTimeOffset, byte[], Guid or null.</summary>
    public void AddRow(ReadOnlySpan<object?> values)
    {
        if (values.Length != Columns) throw new ArgumentException($"A row of this batch has {Columns} values, not {values.Length}.", nameof(values));
        AddRow();
        for (var i = 0; i < values.Length; i++) SetValue(i, values[i]);
    }

    public void SetNull(int column) => _kinds[Cell(column)] = CellKind.Null;

    public void SetInteger(int column, long value) => Set(column, CellKind.Integer, value);

    public void SetReal(int column, double value) => Set(column, CellKind.Real, BitConverter.DoubleToInt64Bits(value));

    public void SetBoolean(int column, bool value) => Set(column, CellKind.Boolean, value ? 1 : 0);

    public void SetDate(int column, DateOnly value) => Set(column, CellKind.Date, value.DayNumber);

    public void SetTimestamp(int column, DateTime value) =>
        Set(column, CellKind.Timestamp, (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).Ticks);

    public void SetText(int column, ReadOnlySpan<byte> utf8) => SetBytes(column, CellKind.Text, utf8);

    public void SetText(int column, string value)
    {
        var span = Reserve(column, CellKind.Text, Encoding.UTF8.GetMaxByteCount(value.Length));
        Commit(column, Encoding.UTF8.GetBytes(value, span));
    }

    public void SetBlob(int column, ReadOnlySpan<byte> value) => SetBytes(column, CellKind.Blob, value);

    /// <summary>An exact decimal's invariant text (digits, an optional sign and point), as the source gave it.</summary>
    public void SetDecimalText(int column, ReadOnlySpan<byte> invariantText) => SetBytes(column, CellKind.Decimal, invariantText);

    public void SetDecimal(int column, decimal value)
    {
        var span = Reserve(column, CellKind.Decimal, 40);
        Commit(column, value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture) ? written : throw new InvalidOperationException("A decimal's text did not fit."));
    }

    public void SetValue(int column, object? value)
    {
        switch (value)
        {
            case null or DBNull: SetNull(column); break;
            case long l: SetInteger(column, l); break;
            case int i: SetInteger(column, i); break;
            case short s: SetInteger(column, s); break;
            case double d: SetReal(column, d); break;
            // Its own shortest text, not the double nearest the float (0.1f stays 0.1).
            case float f: SetReal(column, double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)); break;
            case decimal m: SetDecimal(column, m); break;
            case bool b: SetBoolean(column, b); break;
            case DateOnly d: SetDate(column, d); break;
            case DateTime t: SetTimestamp(column, t); break;
            case DateTimeOffset o: SetTimestamp(column, o.UtcDateTime); break;
            case byte[] bytes: SetBlob(column, bytes); break;
            case string s: SetText(column, s); break;
            default: SetText(column, ValueText.Format(value) ?? ""); break;
        }
    }

    public CellKind Kind(int row, int column) => _kinds[Index(row, column)];

    public long Integer(int row, int column) => _slots[Index(row, column)];

    public double Real(int row, int column) => BitConverter.Int64BitsToDouble(_slots[Index(row, column)]);

    public bool Boolean(int row, int column) => _slots[Index(row, column)] != 0;

    public DateOnly Date(int row, int column) => DateOnly.FromDayNumber((int)_slots[Index(row, column)]);

    public DateTime Timestamp(int row, int column) => new(_slots[Index(row, column)], DateTimeKind.Utc);

    /// <summary>The bytes of a text (UTF-8 as the source stored it), decimal (invariant text) or blob cell.</summary>
    public ReadOnlySpan<byte> Bytes(int row, int column)
    {
        var slot = _slots[Index(row, column)];
        return _bytes.AsSpan((int)(slot >> 32), (int)slot);
    }

    /// <summary>A cell as a value: long, double, decimal (or its text when it passes decimal's range), bool, DateOnly, DateTime (UTC), string, byte[] or null.</summary>
    public object? Value(int row, int column) => Kind(row, column) switch
    {
        CellKind.Null => null,
        CellKind.Integer => Integer(row, column),
        CellKind.Real => Real(row, column),
        CellKind.Decimal => decimal.TryParse(Bytes(row, column), NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : Encoding.UTF8.GetString(Bytes(row, column)),
        CellKind.Boolean => Boolean(row, column),
        CellKind.Date => Date(row, column),
        CellKind.Timestamp => Timestamp(row, column),
        CellKind.Text => Encoding.UTF8.GetString(Bytes(row, column)),
        _ => Bytes(row, column).ToArray(),
    };

    /// <summary>A row's values (<see cref="Value"/>), for code off the hot path.</summary>
    public object?[] Row(int row)
    {
        var values = new object?[Columns];
        for (var i = 0; i < values.Length; i++) values[i] = Value(row, i);
        return values;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Index(int row, int column)
    {
        if ((uint)row >= (uint)Count || (uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(row), $"No cell ({row}, {column}) in a batch of {Count} rows of {Columns} columns.");
        return row * Columns + column;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Cell(int column)
    {
        if (_cell < 0) throw new InvalidOperationException("Start a row with AddRow first.");
        if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column));
        return _cell + column;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Set(int column, CellKind kind, long slot)
    {
        var cell = Cell(column);
        _kinds[cell] = kind;
        _slots[cell] = slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetBytes(int column, CellKind kind, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(column, kind, value.Length));
        Commit(column, value.Length);
    }

    // Room for a value at the end of the byte buffer; Commit records how much of it was used.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<byte> Reserve(int column, CellKind kind, int length)
    {
        var cell = Cell(column);
        if (_bytes.Length - _used < length)
        {
            var grown = new byte[Math.Max(_bytes.Length * 2, _used + length)];
            _bytes.AsSpan(0, _used).CopyTo(grown);
            _bytes = grown;
        }
        _kinds[cell] = kind;
        return _bytes.AsSpan(_used, length);
    }

    private void Commit(int column, int length)
    {
        _slots[Cell(column)] = ((long)_used << 32) | (uint)length;
        _used += length;
    }
}
