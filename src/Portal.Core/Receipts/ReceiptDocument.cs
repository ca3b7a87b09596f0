namespace Portal.Core.Receipts;

using System.Text.Json;

/// <summary>One table as a receipt lists it. The portal's own fields (rows, bytes, files) are null in receipts written by other tools.</summary>
public sealed record ReceiptEntry(string Name, string Folder, int? TotalFileCount, long? RowCount, long? Bytes, string? SchemaKey, IReadOnlyList<ReceiptFile>? Files);

/// <summary>A <c>receipt.json</c> as read back from a bucket.</summary>
public sealed record ReceiptDocument(string? Timestamp, string? Folder, long? RunId, string? ConnectionId, PreviousDump? Previous, IReadOnlyList<ReceiptEntry> Tables)
{
    /// <summary>Reads a receipt; throws <see cref="FormatException"/> saying what is wrong when it is not one.</summary>
    public static ReceiptDocument Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"receipt.json is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Object)
                throw new FormatException("receipt.json has no 'tables' object: it is not a dump receipt.");
            var entries = new List<ReceiptEntry>();
            foreach (var t in tables.EnumerateObject())
            {
                if (t.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"The table '{t.Name}' of receipt.json is not an object.");
                var folder = Text(t.Value, "folder") ?? throw new FormatException($"The table '{t.Name}' of receipt.json has no folder.");
                var schema = t.Value.TryGetProperty("schemas", out var s) && s.ValueKind == JsonValueKind.Object ? Text(s, "bigquery") : null;
                entries.Add(new ReceiptEntry(t.Name, folder, (int?)Number(t.Value, "total_file_count"), Number(t.Value, "row_count"),
                    Number(t.Value, "bytes"), schema, Files(t.Value)));
            }
            var previous = root.TryGetProperty("previous", out var p) && p.ValueKind == JsonValueKind.Object && Text(p, "timestamp") is { } pt
                ? new PreviousDump(pt, Text(p, "folder"))
                : null;
            return new ReceiptDocument(Text(root, "timestamp"), Text(root, "folder"), Number(root, "run_id"), Text(root, "connection_id"), previous, entries);
        }
    }

    private static List<ReceiptFile>? Files(JsonElement table)
    {
        if (!table.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array) return null;
        return files.EnumerateArray()
            .Where(f => f.ValueKind == JsonValueKind.Object && Text(f, "key") is not null)
            .Select(f => new ReceiptFile(Text(f, "key")!, Number(f, "bytes") ?? -1, Number(f, "rows") ?? 0, Text(f, "sha256") ?? ""))
            .ToList();
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        } : null;
}
