namespace Portal.Core.Receipts;

using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.KeyTemplates;

/// <summary>
/// One stream of a run as its manifest describes it: the cursor range it read (<c>cursor_from &lt; cursor ≤ cursor_to</c>;
/// null bounds for a stream without a cursor), what it wrote, and its schema file.
/// </summary>
public sealed record ManifestStream(string Name, string? CursorFrom, string? CursorTo, long Rows, IReadOnlyList<ReceiptFile> Files, string? SchemaKey)
{
    public long Bytes => Files.Sum(f => f.Bytes);

    /// <summary>How the stream's columns changed since its last delivery (its schema file is then new).</summary>
    public IReadOnlyList<Formats.SchemaChange> SchemaChanges { get; init; } = [];
}

/// <summary>A run as its manifest names it; a failed run has an error class and no files.</summary>
public sealed record ManifestRun(long RunId, string ConnectionId, string Kind, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    /// <summary>What kind of error ended a failed run (<c>AccessDenied</c>, <c>Timeout</c>, <c>CursorColumn</c>…).</summary>
    public string? ErrorClass { get; init; }

    /// <summary>The run whose delivery this one repeats, for an exact redelivery.</summary>
    public long? RedeliveryOf { get; init; }
}

/// <summary>
/// The run manifest, <c>{prefix}_manifests/{yyyy}/{MM}/{dd}/{run_id}.json</c>: written after every data file of a run,
/// so an S3 event on <c>_manifests/</c> means "this run is complete" (or, with <c>status: failed</c>, that it ended
/// without delivering).
/// </summary>
public static class RunManifest
{
    public const string Folder = "_manifests/";

    public const string Succeeded = "succeeded";

    public const string Failed = "failed";

    public const string Cancelled = "cancelled";

    /// <summary>The manifest's key: under the prefix, by the UTC day the run finished, named by the run id.</summary>
    public static string Key(string? prefix, long runId, DateTimeOffset finishedAt)
    {
        var day = finishedAt.UtcDateTime;
        return PathPrefix.Join(prefix, string.Create(CultureInfo.InvariantCulture, $"{Folder}{day:yyyy}/{day:MM}/{day:dd}/{runId}.json"));
    }

    /// <summary>Whether a key is a manifest under <paramref name="prefix"/>.</summary>
    public static bool IsManifestKey(string? prefix, string key) =>
        key.StartsWith(PathPrefix.Join(prefix, Folder), StringComparison.Ordinal) && key.EndsWith(".json", StringComparison.Ordinal);

    public static JsonObject Build(ManifestRun run, IEnumerable<ManifestStream> streams)
    {
        var list = streams.ToList();
        return new JsonObject
        {
            ["run_id"] = run.RunId,
            ["connection_id"] = run.ConnectionId,
            ["kind"] = run.Kind,
            ["status"] = run.Status,
            ["started_at"] = Time(run.StartedAt),
            ["finished_at"] = Time(run.FinishedAt),
            ["error_class"] = run.ErrorClass,
            ["redelivery_of"] = run.RedeliveryOf,
            ["cursor_rule"] = "cursor_from < cursor <= cursor_to",
            ["row_count"] = list.Sum(s => s.Rows),
            ["bytes"] = list.Sum(s => s.Bytes),
            ["schema_changed"] = list.Any(s => s.SchemaChanges.Count > 0),
            ["streams"] = new JsonArray(list.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = s.Name,
                ["cursor_from"] = s.CursorFrom,
                ["cursor_to"] = s.CursorTo,
                ["row_count"] = s.Rows,
                ["bytes"] = s.Bytes,
                ["schema"] = s.SchemaKey,
                ["schema_changed"] = s.SchemaChanges.Count > 0,
                ["schema_changes"] = new JsonArray(s.SchemaChanges.Select(c => (JsonNode)c.ToJson()).ToArray()),
                ["files"] = new JsonArray(s.Files.Select(f => (JsonNode)new JsonObject
                {
                    ["key"] = f.Key, ["bytes"] = f.Bytes, ["rows"] = f.Rows, ["sha256"] = f.Sha256,
                }).ToArray()),
            }).ToArray()),
        };
    }

    /// <summary>The files a manifest lists, per stream, to verify them against the bucket; null when it is not a manifest.</summary>
    public static IReadOnlyList<(string Stream, IReadOnlyList<ReceiptFile> Files)>? FilesOf(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            if (node?["run_id"] is null || node["streams"] is not JsonArray streams) return null;
            return streams.OfType<JsonObject>().Select(s => (
                s["name"]?.GetValue<string>() ?? "",
                (IReadOnlyList<ReceiptFile>)(s["files"] as JsonArray ?? []).OfType<JsonObject>().Where(f => f["key"] is not null).Select(f => new ReceiptFile(
                    f["key"]!.GetValue<string>(), f["bytes"]?.GetValue<long>() ?? 0, f["rows"]?.GetValue<long>() ?? 0, f["sha256"]?.GetValue<string>() ?? "")).ToList()))
                .ToList();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
