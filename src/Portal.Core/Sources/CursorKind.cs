namespace Portal.Core.Sources;

using System.Globalization;
using System.Numerics;
using Portal.Core.Formats;

/// <summary>
/// What a stream's cursor column holds, read from the source and stored with the stream: marks are kept
/// as text but compared in this kind, in SQL with typed parameters (never as text when they are numbers).
/// </summary>
public enum CursorKind
{
    Integer,
    Decimal,
    Real,
    Timestamp,
    Date,
    Text,
}

/// <summary>Cursor kinds and marks: which columns can be cursors, what a valid mark of a kind is, and their order.</summary>
public static class CursorMarks
{
    /// <summary>The cursor kind of a column kind; null for kinds that cannot be ordered (blob, boolean).</summary>
    public static CursorKind? KindOf(ColumnKind kind) => kind switch
    {
        ColumnKind.Integer => CursorKind.Integer,
        ColumnKind.Decimal => CursorKind.Decimal,
        ColumnKind.Real => CursorKind.Real,
        ColumnKind.Timestamp => CursorKind.Timestamp,
        ColumnKind.Date => CursorKind.Date,
        ColumnKind.Text => CursorKind.Text,
        _ => null,
    };

    /// <summary>Why <paramref name="column"/> of kind <paramref name="kind"/> (declared <paramref name="declared"/>) cannot be a cursor; null when it can.</summary>
    public static string? UnorderableProblem(string column, ColumnKind kind, string declared) =>
        KindOf(kind) is null || IsJson(declared)
            ? $"The column '{column}' ({(declared.Length == 0 ? kind.ToString().ToLowerInvariant() : declared)}) cannot be a cursor: its values have no order. " +
              "Choose an integer, decimal, timestamp, date or text column that grows as rows are written."
            : null;

    private static bool IsJson(string declared) =>
        declared.Contains("json", StringComparison.OrdinalIgnoreCase) || declared.Equals("xml", StringComparison.OrdinalIgnoreCase)
        || declared.Equals("ARRAY", StringComparison.OrdinalIgnoreCase) || declared.Equals("USER-DEFINED", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why <paramref name="mark"/> is not a value of <paramref name="kind"/>; null when it is.</summary>
    public static string? MarkProblem(CursorKind kind, string mark) => TryParse(kind, mark, out _)
        ? null
        : kind switch
        {
            CursorKind.Integer => $"'{mark}' is not a whole number (the cursor column holds integers).",
            CursorKind.Decimal or CursorKind.Real => $"'{mark}' is not a number such as 12.5 (the cursor column holds numbers).",
            CursorKind.Timestamp => $"'{mark}' is not a date and time such as 2025-01-31T23:59:59Z (the cursor column holds timestamps).",
            CursorKind.Date => $"'{mark}' is not a date such as 2025-01-31 (the cursor column holds dates).",
            _ => $"'{mark}' is not a valid cursor value.",
        };

    /// <summary>
    /// A mark as a typed value: <see cref="long"/>, <see cref="BigDecimal"/>, <see cref="double"/>,
    /// <see cref="DateTime"/> (UTC), <see cref="DateOnly"/> or <see cref="string"/>.
    /// </summary>
    public static bool TryParse(CursorKind kind, string mark, out object value)
    {
        value = mark;
        var text = mark.Trim();
        switch (kind)
        {
            case CursorKind.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                value = l;
                return true;
            case CursorKind.Decimal when BigDecimal.TryParse(text, out var d):
                value = d;
                return true;
            case CursorKind.Real when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && double.IsFinite(r):
                value = r;
                return true;
            case CursorKind.Timestamp when DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t):
                value = DateTime.SpecifyKind(t, DateTimeKind.Utc);
                return true;
            case CursorKind.Date when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case CursorKind.Text:
                value = mark;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The canonical text of a typed mark (what is stored with the stream).</summary>
    public static string Format(CursorKind kind, object value) => (kind, value) switch
    {
        (_, string s) => s,
        (_, long l) => l.ToString(CultureInfo.InvariantCulture),
        (_, int i) => i.ToString(CultureInfo.InvariantCulture),
        (_, decimal m) => m.ToString(CultureInfo.InvariantCulture),
        (_, BigDecimal b) => b.ToString(),
        (_, double r) => r.ToString("R", CultureInfo.InvariantCulture),
        (_, DateTime t) => DateTime.SpecifyKind(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        (_, DateTimeOffset o) => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        (_, DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Orders two marks of a kind as the source orders them (text: by code point, as SQLite's BINARY and PostgreSQL's "C" collation do).</summary>
    public static int Compare(CursorKind kind, string a, string b)
    {
        if (!TryParse(kind, a, out var x) || !TryParse(kind, b, out var y))
            throw new FormatException(MarkProblem(kind, TryParse(kind, a, out _) ? b : a));
        return (x, y) switch
        {
            (long l, long m) => l.CompareTo(m),
            (BigDecimal l, BigDecimal m) => l.CompareTo(m),
            (double l, double m) => l.CompareTo(m),
            (DateTime l, DateTime m) => l.CompareTo(m),
            (DateOnly l, DateOnly m) => l.CompareTo(m),
            _ => CompareCodePoints((string)x, (string)y),
        };
    }

    private static int CompareCodePoints(string a, string b)
    {
        var (i, j) = (a.EnumerateRunes(), b.EnumerateRunes());
        while (true)
        {
            var (more, other) = (i.MoveNext(), j.MoveNext());
            if (!more || !other) return more.CompareTo(other);
            var c = i.Current.Value.CompareTo(j.Current.Value);
            if (c != 0) return c;
        }
    }
}

/// <summary>An exact decimal of any size (PostgreSQL's numeric goes past <see cref="decimal"/>): an integer scaled by a power of ten.</summary>
public readonly record struct BigDecimal(BigInteger Unscaled, int Scale)
{
    public static bool TryParse(string text, out BigDecimal value)
    {
        value = default;
        var s = text.Trim();
        var exponent = 0;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 10_000) return false;
            s = s[..e];
        }
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? s : s[..dot] + s[(dot + 1)..];
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        if (digits.Length is 0 or > 2000 || digits is "-" or "+") return false;
        if (!BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unscaled)) return false;
        value = new BigDecimal(unscaled, scale - exponent);
        return true;
    }

    public int CompareTo(BigDecimal other)
    {
        var scale = Math.Max(Scale, other.Scale);
        return (Unscaled * BigInteger.Pow(10, scale - Scale)).CompareTo(other.Unscaled * BigInteger.Pow(10, scale - other.Scale));
    }

    public override string ToString()
    {
        if (Scale <= 0) return (Unscaled * BigInteger.Pow(10, -Scale)).ToString(CultureInfo.InvariantCulture);
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture).PadLeft(Scale + 1, '0');
        return (Unscaled.Sign < 0 ? "-" : "") + digits[..^Scale] + "." + digits[^Scale..];
    }
}
