namespace Portal.Core.Receipts;

using System.Globalization;

/// <summary>
/// Where a dump goes: a folder of its own under the connection's prefix, named by its load time in the
/// data-platform layout (<c>2023-01-02T15:04</c>). A folder that already holds objects, or that the previous
/// receipt names, is never written into: the dump takes the next name instead.
/// </summary>
public static class DumpLayout
{
    /// <summary>How many names a dump tries before it gives up (one a minute, with seconds, then suffixes -2 to -20).</summary>
    public const int MaxCandidates = 21;

    /// <summary>
    /// The folder names a dump loaded at <paramref name="loadTime"/> may take, in order: the minute, the minute
    /// with seconds, then the latter with -02, -03… Each sorts after the one before and after earlier minutes.
    /// </summary>
    public static IEnumerable<string> FolderNames(DateTimeOffset loadTime)
    {
        var t = loadTime.UtcDateTime;
        var minute = t.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        yield return minute;
        var second = minute + t.ToString("':'ss", CultureInfo.InvariantCulture);
        yield return second;
        for (var n = 2; n < MaxCandidates; n++) yield return $"{second}-{n:00}";
    }
}
