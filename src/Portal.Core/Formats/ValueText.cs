namespace Portal.Core.Formats;

using System.Globalization;

/// <summary>The text forms shared by csv and json: invariant numbers, RFC 3339 UTC times, ISO dates, base64 blobs.</summary>
public static class ValueText
{
    // A time of whole seconds without a fraction; dates ISO.
    private const string WholeSeconds = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const string WithFraction = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";
    private const string IsoDate = "yyyy-MM-dd";

    private static string TimestampFormat(DateTime value) => value.Ticks % TimeSpan.TicksPerSecond == 0 ? WholeSeconds : WithFraction;

    public static string Timestamp(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString(TimestampFormat(value), CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString(IsoDate, CultureInfo.InvariantCulture);

    public static string Decimal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Any value as text (csv); null stays null.</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => double.IsFinite(d) ? Real(d) : null,
        float f => float.IsFinite(f) ? Real(f) : null,
        decimal m => Decimal(m),
        bool b => b ? "true" : "false",
        DateOnly d => Date(d),
        DateTime t => Timestamp(t),
        DateTimeOffset o => Timestamp(o.UtcDateTime),
        byte[] bytes => Convert.ToBase64String(bytes),
        Guid g => g.ToString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The longest text <see cref="TryFormatUtf8"/> writes.</summary>
    public const int MaxScalarBytes = 40;

    /// <summary>
    /// An integer, real, boolean, date or time cell's text, as <see cref="Format"/> writes its value, in UTF-8 and without a
    /// string; false for a real that is not finite (which csv and json write as null). Other kinds are bytes already.
    /// </summary>
    public static bool TryFormatUtf8(RowBatch batch, int row, int column, Span<byte> destination, out int written)
    {
        written = 0;
        switch (batch.Kind(row, column))
        {
            case CellKind.Integer:
                return batch.Integer(row, column).TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            case CellKind.Real:
                var d = batch.Real(row, column);
                return double.IsFinite(d) && d.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
            case CellKind.Boolean:
                var text = batch.Boolean(row, column) ? "true"u8 : "false"u8;
                text.CopyTo(destination);
                written = text.Length;
                return true;
            case CellKind.Date:
                return batch.Date(row, column).TryFormat(destination, out written, IsoDate, CultureInfo.InvariantCulture);
            case CellKind.Timestamp:
                var t = batch.Timestamp(row, column);
                return t.TryFormat(destination, out written, TimestampFormat(t), CultureInfo.InvariantCulture);
            default:
                throw new ArgumentException($"A {batch.Kind(row, column)} cell is written as its bytes.", nameof(column));
        }
    }
}
