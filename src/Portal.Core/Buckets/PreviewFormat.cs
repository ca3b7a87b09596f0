namespace Portal.Core.Buckets;

/// <summary>How an object is previewed.</summary>
public enum PreviewKind
{
    /// <summary>Plain text (also json, yaml, sql, logs).</summary>
    Text,

    /// <summary>Comma-separated values with a header: shown as a table.</summary>
    Csv,

    /// <summary>One JSON object per line (jsonl/ndjson): shown as a table.</summary>
    Ndjson,

    /// <summary>A JSON document: shown as text, indented when the sample holds all of it.</summary>
    Json,

    /// <summary>Schema and first rows.</summary>
    Parquet,

    /// <summary>Not known by its name: shown as text when the first bytes are UTF-8 text, else not at all.</summary>
    Unknown,
}

/// <summary>The preview kind of an object from its name (a trailing <c>.gz</c> means gzip) and content type.</summary>
public sealed record PreviewFormat(PreviewKind Kind, bool Gzip)
{
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".log", ".md", ".sql", ".yml", ".yaml", ".html", ".htm", ".xml", ".toml", ".ini", ".cfg", ".conf", ".py", ".sh", ".tsv",
    };

    public static PreviewFormat Of(string key, string? contentType = null)
    {
        var name = key;
        var gzip = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".gzip", StringComparison.OrdinalIgnoreCase);
        if (gzip) name = name[..name.LastIndexOf('.')];
        var kind = Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".csv" => PreviewKind.Csv,
            ".jsonl" or ".ndjson" => PreviewKind.Ndjson,
            ".json" => PreviewKind.Json,
            ".parquet" when !gzip => PreviewKind.Parquet,
            var e when TextExtensions.Contains(e) => PreviewKind.Text,
            _ when contentType?.StartsWith("text/", StringComparison.OrdinalIgnoreCase) == true => PreviewKind.Text,
            _ when contentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true => PreviewKind.Json,
            _ => PreviewKind.Unknown,
        };
        return new PreviewFormat(kind, gzip);
    }
}
