namespace Portal.Core.Formats;

using System.Globalization;

/// <summary>The text forms shared by csv and json: invariant numbers, RFC 3339 UTC times, ISO dates, base64 blobs.</summary>
public static class ValueText
{
    public static string Timestamp(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).ToString(value.Millisecond == 0 && value.Ticks % TimeSpan.TicksPerSecond == 0
            ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

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
}
