namespace Portal.Core.Buckets;

using System.Text.Json;

/// <summary>Reads the start of newline-delimited JSON into a table: columns in order of first appearance, strings as they are, other values as JSON.</summary>
public static class NdjsonPreview
{
    /// <param name="truncated">True when the sample was cut: its last line may be partial and is dropped.</param>
    public static PreviewTable Parse(string text, bool truncated, int maxRows = 100)
    {
        var lines = text.Split('\n');
        var count = truncated && !text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var columns = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var objects = new List<Dictionary<string, string?>>();
        var problems = new List<string>();
        for (var n = 0; n < count && objects.Count < maxRows; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    Problem(problems, $"Line {n + 1} is JSON but not an object.");
                    continue;
                }
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (index.TryAdd(property.Name, columns.Count)) columns.Add(property.Name);
                    row[property.Name] = Cell(property.Value);
                }
                objects.Add(row);
            }
            catch (JsonException e)
            {
                Problem(problems, $"Line {n + 1} is not valid JSON: {e.Message}");
            }
        }
        var rows = objects.Select(o => (IReadOnlyList<string?>)columns.Select(c => o.GetValueOrDefault(c)).ToList()).ToList();
        return new PreviewTable(columns, rows, problems);
    }

    private static string? Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    private static void Problem(List<string> problems, string message)
    {
        if (problems.Count < 10) problems.Add(message);
    }
}
