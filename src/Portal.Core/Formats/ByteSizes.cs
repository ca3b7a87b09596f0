namespace Portal.Core.Formats;

using System.Globalization;

/// <summary>Sizes and durations as people read them.</summary>
public static class ByteSizes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>1536 → "1.5 KiB"; bytes below 1 KiB stay whole.</summary>
    public static string Human(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString(value >= 100 ? "0" : value >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>"850 ms", "42 s", "3 min 05 s", "2 h 07 min".</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        if (d.TotalSeconds < 1) return $"{d.TotalMilliseconds:0} ms";
        if (d.TotalMinutes < 1) return string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.#} s");
        if (d.TotalHours < 1) return string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes} min {d.Seconds:00} s");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours} h {d.Minutes:00} min");
    }
}
