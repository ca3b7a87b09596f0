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
        double d when double.IsFinite(d) => decimal.Parse(d.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
        string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => m,
        _ => value,
    };

    private static object ToTimestamp(object value) => value switch
    {
        string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        long seconds => DateTime.UnixEpoch.AddSeconds(seconds),
        _ => value,
    };
}
