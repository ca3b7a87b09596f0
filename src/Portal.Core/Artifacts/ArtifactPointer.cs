namespace Portal.Core.Artifacts;

using System.Globalization;
using System.Text.Json;

/// <summary>One command of the run a schedule's <c>current.json</c> names.</summary>
public sealed record PointerCommand(long Id, string Command, string Folder, int FileCount, long Bytes, RunResultsSummary? Results);

/// <summary>A schedule's <c>current.json</c>: the archive folder of its current run, when it ran, and per command what was synced.</summary>
public sealed record ArtifactPointer(string Archive, long? RunId, string? Time, IReadOnlyList<PointerCommand> Commands)
{
    /// <summary>Reads a pointer; throws <see cref="FormatException"/> when it is not one.</summary>
    public static ArtifactPointer Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var archive = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("archive", out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()! : throw new FormatException("current.json names no archive folder: it is not an artifact pointer.");
            var commands = root.TryGetProperty("commands", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Command).ToList()
                : [];
            return new ArtifactPointer(archive, Long(root, "run_id"), Str(root, "time"), commands);
        }
        catch (JsonException e)
        {
            throw new FormatException($"current.json is not valid JSON: {e.Message}", e);
        }
    }

    private static PointerCommand Command(JsonElement e)
    {
        RunResultsSummary? results = null;
        if (e.TryGetProperty("run_results", out var r) && r.ValueKind == JsonValueKind.Object)
        {
            results = new RunResultsSummary(
                r.TryGetProperty("elapsed_time", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 0,
                (int)(Long(r, "success") ?? 0), (int)(Long(r, "error") ?? 0), (int)(Long(r, "skipped") ?? 0), (int)(Long(r, "warn") ?? 0));
        }
        var command = Str(e, "command") ?? "";
        var id = Long(e, "id") ?? 0;
        return new PointerCommand(id, command, Str(e, "folder") ?? ArtifactLayout.CommandFolder(id, command), (int)(Long(e, "file_count") ?? 0), Long(e, "bytes") ?? 0, results);
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}

/// <summary>A run folder of the dated archive: <c>&lt;run id&gt;_&lt;unix time.micros&gt;/</c>.</summary>
public sealed record ArchiveRun(long RunId, DateTimeOffset Time, string Folder)
{
    /// <summary>Reads a run folder's name; null when the name is not one.</summary>
    public static ArchiveRun? FromFolder(string folder)
    {
        var name = folder.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0
            || !long.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var runId)
            || !decimal.TryParse(name.AsSpan(underscore + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            return null;
        var micros = (long)(seconds * 1_000_000m);
        return new ArchiveRun(runId, DateTimeOffset.UnixEpoch.AddTicks(micros * 10), folder);
    }
}
