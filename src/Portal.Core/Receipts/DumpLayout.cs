namespace Portal.Core.Receipts;

using System.Globalization;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;

/// <summary>
/// Where a dump goes: a folder of its own under the connection's prefix, named by its load time in the
/// data-platform layout (<c>2023-01-02T15:04</c>). A folder that already holds objects, or that the previous
/// receipt names, is never written into: the dump takes the next name instead. Under it each table has its parts
/// (by the connection's template) and its schema file; <c>receipt.json</c>, at the prefix, is written last.
/// </summary>
public static class DumpLayout
{
    /// <summary>The receipt every dump writes last, at the connection's prefix.</summary>
    public const string ReceiptName = "receipt.json";

    private static readonly KeyTemplate SchemaFolder = KeyTemplate.Parse("{dump_time}/schemas/bigquery/");
    private static readonly KeyTemplate DumpFolder = KeyTemplate.Parse("{dump_time}");

    /// <summary><c>receipt.json</c> under the prefix.</summary>
    public static string ReceiptKey(string? prefix) => PathPrefix.Join(prefix, ReceiptName);

    /// <summary>The dump's folder: <c>{prefix}{dump_time}</c>, without a trailing slash.</summary>
    public static string FolderKey(string? prefix, DateTimeOffset loadTime, string name) =>
        PathPrefix.Join(prefix, DumpFolder.Expand(new KeyValues(loadTime, null, "", "", "", "", "", 0, "") { DumpName = name }));

    /// <summary>What a dump's keys for a stream expand from: the run's load time and id, and the dump's folder name.</summary>
    public static KeyValues ValuesOf(Connection c, ConnectionStream stream, DateTimeOffset loadTime, string connectionRunId, string? dumpName)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(stream);
        return new(loadTime, null, stream.Id.ToString(), stream.Name, c.Id.ToString(), connectionRunId,
            KeyPreview.StreamRunId(connectionRunId, stream.Id.ToString()), 0, FileFormats.Extension(c.Format, c.Compression)) { DumpName = dumpName };
    }

    /// <summary>A table's schema file: <c>{dump_time}/schemas/bigquery/{stream}.json</c> under the prefix.</summary>
    public static string SchemaKey(string? prefix, KeyValues values) => PathPrefix.Join(prefix, SchemaFolder.Expand(values) + values.StreamName + ".json");

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
