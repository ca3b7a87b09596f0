namespace Portal.Core.Formats;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.KeyTemplates;

/// <summary>How a column of a stream changed between the schema last delivered and the one a run reads.</summary>
public enum SchemaChangeKind
{
    /// <summary>A column the last delivered schema did not have.</summary>
    Added,

    /// <summary>A column of the last delivered schema that the source no longer has (its values are no longer delivered).</summary>
    Removed,

    /// <summary>A column whose kind changed (text to integer, say): loaders typed by the old schema may reject or misread it.</summary>
    Retyped,
}

/// <summary>One column's change: its name, how it changed, and its kind before and after (null where it did not exist).</summary>
public sealed record SchemaChange(string Column, SchemaChangeKind Change, ColumnKind? Before, ColumnKind? After)
{
    /// <summary>Whether a loader typed by the old schema can break on it (a removed or retyped column); an added column cannot.</summary>
    public bool Breaking => Change != SchemaChangeKind.Added;

    /// <summary>In words, for run events, notifications and the run page.</summary>
    public string Describe() => Change switch
    {
        SchemaChangeKind.Added => $"column {Column} added ({Kind(After)})",
        SchemaChangeKind.Removed => $"column {Column} removed (was {Kind(Before)})",
        _ => $"column {Column} changed from {Kind(Before)} to {Kind(After)}",
    };

    public JsonObject ToJson() => new()
    {
        ["column"] = Column,
        ["change"] = Change.ToString().ToLowerInvariant(),
        ["before"] = Before is { } b ? BigQuerySchema.TypeOf(b) : null,
        ["after"] = After is { } a ? BigQuerySchema.TypeOf(a) : null,
    };

    private static string Kind(ColumnKind? kind) => kind?.ToString().ToLowerInvariant() ?? "?";
}

/// <summary>
/// A stream export's schema files, <c>{prefix}_schemas/{stream}/{run_id}.json</c> (BigQuery's JSON schema): written by
/// the first run of a stream and by each run that finds the columns changed, so a loader reads the schema of the files
/// it loads from the manifest's <c>schema</c>. The schema last delivered is kept with the stream, compactly, to compare.
/// </summary>
public static class StreamSchema
{
    public const string Folder = "_schemas/";

    /// <summary>The schema file a run writes for a stream.</summary>
    public static string Key(string? prefix, string stream, long runId) =>
        PathPrefix.Join(prefix, string.Create(CultureInfo.InvariantCulture, $"{Folder}{stream}/{runId}.json"));

    /// <summary>The compact form kept with the stream: <c>[{"name","kind","nullable"}]</c> in source order.</summary>
    public static string Serialize(IEnumerable<SourceColumn> columns) =>
        new JsonArray(columns.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["kind"] = c.Kind.ToString(), ["nullable"] = c.Nullable,
        }).ToArray()).ToJsonString();

    /// <summary>The columns of a kept schema; null for none (a stream never delivered) or one that cannot be read.</summary>
    public static IReadOnlyList<SourceColumn>? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            if (JsonNode.Parse(json) is not JsonArray items) return null;
            var columns = new List<SourceColumn>(items.Count);
            foreach (var item in items)
            {
                if (item?["name"]?.GetValue<string>() is not { } name || !Enum.TryParse<ColumnKind>(item["kind"]?.GetValue<string>(), out var kind) || !Enum.IsDefined(kind))
                    return null;
                columns.Add(new SourceColumn(name, kind, "", item["nullable"]?.GetValue<bool>() ?? true));
            }
            return columns;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The changes from <paramref name="before"/> (the schema last delivered; null at the first run: no changes) to
    /// <paramref name="after"/>, by column name (exact, as keys and files spell it): added and retyped in the new order,
    /// then removed in the old order.
    /// </summary>
    public static IReadOnlyList<SchemaChange> Compare(IReadOnlyList<SourceColumn>? before, IReadOnlyList<SourceColumn> after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null) return [];
        var old = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var c in before) old.TryAdd(c.Name, c.Kind);
        var now = new HashSet<string>(StringComparer.Ordinal);
        var changes = new List<SchemaChange>();
        foreach (var c in after)
        {
            if (!now.Add(c.Name)) continue;
            if (!old.TryGetValue(c.Name, out var kind)) changes.Add(new SchemaChange(c.Name, SchemaChangeKind.Added, null, c.Kind));
            else if (kind != c.Kind) changes.Add(new SchemaChange(c.Name, SchemaChangeKind.Retyped, kind, c.Kind));
        }
        foreach (var c in before)
        {
            if (!now.Contains(c.Name) && now.Add(c.Name)) changes.Add(new SchemaChange(c.Name, SchemaChangeKind.Removed, c.Kind, null));
        }
        return changes;
    }

    /// <summary>
    /// Whether the schema file must be written again: at the first run, or when anything its file says changed (the
    /// columns, their order, kinds or modes).
    /// </summary>
    public static bool FileChanged(IReadOnlyList<SourceColumn>? before, IReadOnlyList<SourceColumn> after) =>
        before is null || !before.Select(c => (c.Name, c.Kind, c.Nullable)).SequenceEqual(after.Select(c => (c.Name, c.Kind, c.Nullable)));
}
