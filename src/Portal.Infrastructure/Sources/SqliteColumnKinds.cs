namespace Portal.Infrastructure.Sources;

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Portal.Core.Formats;

/// <summary>
/// SQLite has type affinities, not types: the declared type is read the way SQLite reads it, and each
/// value is converted to the column's kind when it safely can be; a value that cannot be is kept as it is,
/// so nothing is lost.
/// </summary>
public static class SqliteColumnKinds
{
    public static ColumnKind FromDeclared(string declared)
    {
        var t = declared.ToUpperInvariant();
        if (t.Contains("BOOL", StringComparison.Ordinal)) return ColumnKind.Boolean;
        if (t.Contains("INT", StringComparison.Ordinal)) return ColumnKind.Integer;
        if (t.Contains("CHAR", StringComparison.Ordinal) || t.Contains("CLOB", StringComparison.Ordinal) || t.Contains("TEXT", StringComparison.Ordinal) || t.Contains("GUID", StringComparison.Ordinal) || t.Contains("UUID", StringComparison.Ordinal)) return ColumnKind.Text;
        if (t.Contains("BLOB", StringComparison.Ordinal) || t.Length == 0) return t.Length == 0 ? ColumnKind.Text : ColumnKind.Blob;
        if (t.Contains("REAL", StringComparison.Ordinal) || t.Contains("FLOA", StringComparison.Ordinal) || t.Contains("DOUB", StringComparison.Ordinal)) return ColumnKind.Real;
        if (t.Contains("DATETIME", StringComparison.Ordinal) || t.Contains("TIMESTAMP", StringComparison.Ordinal)) return ColumnKind.Timestamp;
        if (t.Contains("DATE", StringComparison.Ordinal)) return ColumnKind.Date;
        return ColumnKind.Decimal; // NUMERIC affinity: DECIMAL(10,2), NUMERIC, MONEY…
    }

    // Each storage class SQLite hands back, into a cell of the column's kind where it safely converts; as it is otherwise.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SetInteger(RowBatch batch, int column, ColumnKind kind, long value)
    {
        switch (kind)
        {
            case ColumnKind.Real: batch.SetReal(column, value); break;
            case ColumnKind.Decimal: batch.SetDecimal(column, value); break;
            case ColumnKind.Boolean: batch.SetBoolean(column, value != 0); break;
            // Seconds since the Unix epoch (within DateTime's range).
            case ColumnKind.Timestamp when value is >= -62_135_596_800 and <= 253_402_300_799: batch.SetTimestamp(column, DateTime.UnixEpoch.AddSeconds(value)); break;
            default: batch.SetInteger(column, value); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SetReal(RowBatch batch, int column, ColumnKind kind, double value)
    {
        if (kind == ColumnKind.Integer && value == Math.Floor(value) && Math.Abs(value) < 9e15) batch.SetInteger(column, (long)value);
        else if (kind == ColumnKind.Decimal) SetDecimal(batch, column, value);
        else batch.SetReal(column, value);
    }

    // A REAL holding 0.99 is the double nearest 0.99; its shortest round-trip text is the decimal meant. Without an exponent
    // (and not zero, whose sign decimal drops) that text is the decimal's own; otherwise it goes through decimal, and a
    // value past decimal's range stays a real.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SetDecimal(RowBatch batch, int column, double value)
    {
        Span<byte> text = stackalloc byte[32];
        if (value != 0 && double.IsFinite(value) && value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture) && text[..written].IndexOfAny((byte)'E', (byte)'e') < 0)
            batch.SetDecimalText(column, text[..written]);
        else if (RoundTrip(value) is { } exact)
            batch.SetDecimal(column, exact);
        else
            batch.SetReal(column, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SetText(RowBatch batch, int column, ColumnKind kind, ReadOnlySpan<byte> utf8)
    {
        switch (kind)
        {
            case ColumnKind.Decimal when decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var m):
                batch.SetDecimal(column, m);
                break;
            case ColumnKind.Timestamp when TryParseSqliteTime(utf8, out var fast):
                batch.SetTimestamp(column, fast);
                break;
            case ColumnKind.Timestamp when DateTime.TryParse(Encoding.UTF8.GetString(utf8), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t):
                batch.SetTimestamp(column, DateTime.SpecifyKind(t, DateTimeKind.Utc));
                break;
            case ColumnKind.Date when Encoding.UTF8.GetString(utf8) is var s && DateOnly.TryParse(s[..Math.Min(10, s.Length)], CultureInfo.InvariantCulture, out var date):
                batch.SetDate(column, date);
                break;
            default:
                batch.SetText(column, utf8);
                break;
        }
    }

    // The general route: the shortest round-trip text read as a decimal (none past decimal's range).
    private static decimal? RoundTrip(double d)
    {
        Span<char> text = stackalloc char[32];
        return double.IsFinite(d) && d.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture)
            && decimal.TryParse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;
    }

    /// <summary>
    /// SQLite's own text for a time (<c>datetime()</c>: <c>2025-04-14 11:23:45</c>, or with a <c>T</c>) read digit by digit;
    /// anything else goes through the general parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseSqliteTime(ReadOnlySpan<byte> s, out DateTime value)
    {
        value = default;
        if (s.Length != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = s[i] - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
