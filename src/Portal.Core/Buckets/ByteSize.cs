namespace Portal.Core.Buckets;

using System.Globalization;

/// <summary>Sizes in human units (binary: 1 KiB = 1,024 bytes), as people read them in a file list.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary><c>0 B</c>, <c>999 B</c>, <c>1.5 KiB</c>, <c>64 MiB</c>, <c>2.3 TiB</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024) return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var text = value >= 100 || value % 1 == 0 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.0", CultureInfo.InvariantCulture);
        return $"{text} {Units[unit]}";
    }
}
