namespace Portal.Core.Artifacts;

/// <summary>The content type an artifact file is uploaded with, from its extension.</summary>
public static class ContentTypes
{
    public static string For(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".sql" => "application/sql",
        ".txt" or ".log" => "text/plain; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".csv" => "text/csv; charset=utf-8",
        ".yml" or ".yaml" => "application/yaml",
        ".msgpack" => "application/msgpack",
        _ => "application/octet-stream",
    };
}
