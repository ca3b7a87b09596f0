namespace Portal.Core.Receipts;

using System.Text.Json.Nodes;

/// <summary>One table of a dump as the receipt describes it.</summary>
public sealed record ReceiptTable(string Name, string Folder, string SchemaKey, long Rows, IReadOnlyList<ReceiptFile> Files)
{
    public long Bytes => Files.Sum(f => f.Bytes);
}

public sealed record ReceiptFile(string Key, long Bytes, long Rows, string Sha256);

/// <summary>What the receipt of the dump before this one said, for <c>previous</c>.</summary>
public sealed record PreviousDump(string Timestamp, string? Folder);

/// <summary>
/// <c>receipt.json</c>, written last after every successful dump. The fields of the data-platform
/// layout (<c>timestamp</c>, <c>tables.*.folder</c>, <c>total_file_count</c>, <c>schemas.bigquery</c>)
/// stay as they are; the portal adds run, counts, files with sha256 and the previous dump.
/// </summary>
public static class Receipt
{
    public static JsonObject Build(DateTimeOffset timestamp, string folder, long runId, string connectionId, IEnumerable<ReceiptTable> tables, PreviousDump? previous)
    {
        var byName = new JsonObject();
        foreach (var t in tables)
        {
            byName[t.Name] = new JsonObject
            {
                ["folder"] = t.Folder,
                ["total_file_count"] = t.Files.Count,
                ["schemas"] = new JsonObject { ["bigquery"] = t.SchemaKey },
                ["row_count"] = t.Rows,
                ["bytes"] = t.Bytes,
                ["files"] = new JsonArray(t.Files.Select(f => (JsonNode)new JsonObject
                {
                    ["key"] = f.Key, ["bytes"] = f.Bytes, ["rows"] = f.Rows, ["sha256"] = f.Sha256,
                }).ToArray()),
            };
        }
        return new JsonObject
        {
            ["timestamp"] = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["tables"] = byName,
            ["folder"] = folder,
            ["run_id"] = runId,
            ["connection_id"] = connectionId,
            ["previous"] = previous is null ? null : new JsonObject { ["timestamp"] = previous.Timestamp, ["folder"] = previous.Folder },
        };
    }

    /// <summary>Reads what <c>previous</c> needs from an existing receipt; null when it is not a receipt.</summary>
    public static PreviousDump? PreviousOf(string json)
    {
        try
        {
            var node = JsonNode.Parse(json);
            var timestamp = node?["timestamp"]?.GetValue<string>();
            if (timestamp is null) return null;
            var folder = node!["folder"]?.GetValue<string>() ?? CommonFolder(node["tables"]?.AsObject());
            return new PreviousDump(timestamp, folder);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    // Receipts written by other tools have no top-level folder: the dump folder is the tables' common parent.
    private static string? CommonFolder(JsonObject? tables)
    {
        var folders = tables?.Select(t => t.Value?["folder"]?.GetValue<string>()).OfType<string>().Select(FolderOf).Distinct().ToList();
        return folders is { Count: 1 } ? folders[0] : null;
    }

    /// <summary>The folder a key lives in (no trailing '/').</summary>
    public static string FolderOf(string key) => key[..Math.Max(0, key.LastIndexOf('/'))];
}
