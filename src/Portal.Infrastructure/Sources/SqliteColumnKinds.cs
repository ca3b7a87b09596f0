namespace Portal.Infrastructure.Sources;

using System.Globalization;
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

    public static object? Convert(object? value, ColumnKind kind) => value switch
    {
        null or DBNull => null,
        _ => kind switch
        {
            ColumnKind.Integer when value is double d && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            ColumnKind.Real when value is long l => (double)l,
            ColumnKind.Decimal => ToDecimal(value),
            ColumnKind.Boolean when value is long l => l != 0,
            ColumnKind.Timestamp => ToTimestamp(value),
            ColumnKind.Date when value is string s && DateOnly.TryParse(s[..Math.Min(10, s.Length)], CultureInfo.InvariantCulture, out var date) => date,
            _ => value,
        },
    };

    private static object ToDecimal(object value) => value switch
    {
        long l => (decimal)l,
        // A REAL holding 0.99 is the double nearest 0.99; its shortest round-trip text is the decimal meant.
        double d when double.IsFinite(d) => RoundTrip(d),
        string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => m,
        _ => value,
    };

    // Formatted on the stack: no string per value.
    private static object RoundTrip(double d)
    {
        Span<char> text = stackalloc char[32];
        return d.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture)
            ? decimal.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture)
            : decimal.Parse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// SQLite's own text for a time (<c>datetime()</c>: <c>2025-04-14 11:23:45</c>, or with a <c>T</c>) read digit by digit;
    /// anything else goes through the general parser.
    /// </summary>
    public static bool TryParseSqliteTime(string s, out DateTime value)
    {
        value = default;
        if (s.Length != 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(string s, int start, int count, out int value)
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

    private static object ToTimestamp(object value) => value switch
    {
        string s when TryParseSqliteTime(s, out var fast) => fast,
        string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        long seconds => DateTime.UnixEpoch.AddSeconds(seconds),
        _ => value,
    };
}
