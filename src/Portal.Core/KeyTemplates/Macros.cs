namespace Portal.Core.KeyTemplates;

using System.Collections.Frozen;

/// <summary>The catalogue of macros: names, descriptions and samples (for a load and a cursor at 2025-04-14T11:23:45Z).</summary>
public static class Macros
{
    /// <summary>Every macro, in the order the palette shows them.</summary>
    public static IReadOnlyList<MacroInfo> All { get; } =
    [
        new(MacroKind.StreamName, "stream_name", "The name of the stream", "sales_summary_daily", MacroGroup.Identity),
        new(MacroKind.StreamId, "stream_id", "The id of the stream", "deadbeef-2359-567a-f5e8-83c536cb4de8", MacroGroup.Identity) { FixedMaxBytes = 36 },
        new(MacroKind.ConnectionId, "connection_id", "The id of the connection", "f52c7268-2359-567a-f5e8-83c536cb4de8", MacroGroup.Identity) { FixedMaxBytes = 36 },
        new(MacroKind.ConnectionRunId, "connection_run_id", "The id of this run of the connection (across all streams)", "fad1983d-7446-e5c4-bb46-4578affe02d5", MacroGroup.Identity) { FixedMaxBytes = 36 },
        new(MacroKind.StreamRunId, "stream_run_id", "The id of this stream's run within the connection's run", "8e28c4bf-11aa-20aa-0ecf-d23c21c73285", MacroGroup.Identity) { FixedMaxBytes = 36 },
        new(MacroKind.DateTime, "date_time", "Load time as %Y_%m_%d_%H_%M_%S", "2025_04_14_11_23_45", MacroGroup.LoadTime) { FixedMaxBytes = 19 },
        new(MacroKind.Timestamp, "timestamp", "Same as {date_time}", "2025_04_14_11_23_45", MacroGroup.LoadTime) { FixedMaxBytes = 19 },
        new(MacroKind.IsoDateTime, "iso_date_time", "Load time in ISO 8601", "2025-04-14T11:23:45Z", MacroGroup.LoadTime) { FixedMaxBytes = 20 },
        new(MacroKind.Date, "date", "Load date as %Y_%m_%d", "2025_04_14", MacroGroup.LoadTime) { FixedMaxBytes = 10 },
        new(MacroKind.IsoDate, "iso_date", "Load date as %Y-%m-%d", "2025-04-14", MacroGroup.LoadTime) { FixedMaxBytes = 10 },
        new(MacroKind.Year, "year", "Load year, 4 digits", "2025", MacroGroup.LoadTime) { FixedMaxBytes = 4 },
        new(MacroKind.Month, "month", "Load month (01-12)", "04", MacroGroup.LoadTime) { FixedMaxBytes = 2 },
        new(MacroKind.Day, "day", "Load day of the month (01-31)", "14", MacroGroup.LoadTime) { FixedMaxBytes = 2 },
        new(MacroKind.Hour, "hour", "Load hour (00-23)", "11", MacroGroup.LoadTime) { FixedMaxBytes = 2 },
        new(MacroKind.Minute, "minute", "Load minute (00-59)", "23", MacroGroup.LoadTime) { FixedMaxBytes = 2 },
        new(MacroKind.Second, "second", "Load second (00-59)", "45", MacroGroup.LoadTime) { FixedMaxBytes = 2 },
        new(MacroKind.DumpTime, "dump_time", "Dump folder name of the data-platform layout (%Y-%m-%dT%H:%M; a second dump in the same minute adds :%S, then -02, -03…)", "2025-04-14T11:23", MacroGroup.LoadTime) { FixedMaxBytes = 22 },
        new(MacroKind.CursorYear, "cursor_year", "Year of the stream's cursor (its high-water mark at the start of the run)", "2025", MacroGroup.Cursor) { FixedMaxBytes = 4 },
        new(MacroKind.CursorMonth, "cursor_month", "Month of the cursor (01-12)", "04", MacroGroup.Cursor) { FixedMaxBytes = 2 },
        new(MacroKind.CursorDay, "cursor_day", "Day of the cursor (01-31)", "14", MacroGroup.Cursor) { FixedMaxBytes = 2 },
        new(MacroKind.CursorDateTime, "cursor_date_time", "Cursor as %Y_%m_%d_%H_%M_%S", "2025_04_14_11_23_45", MacroGroup.Cursor) { FixedMaxBytes = 19 },
        new(MacroKind.CursorIsoDateTime, "cursor_iso_date_time", "Cursor in ISO 8601", "2025-04-14T11:23:45Z", MacroGroup.Cursor) { FixedMaxBytes = 20 },
        new(MacroKind.CursorSingularDateTime, "cursor_singular_date_time", "Cursor as %Y-%m-%d-%H-%M-%S", "2025-04-14-11-23-45", MacroGroup.Cursor) { FixedMaxBytes = 19 },
        new(MacroKind.Part, "part", "Index of the file within the stream for this run, 12 digits", "000000000000", MacroGroup.File) { FixedMaxBytes = 12 },
        new(MacroKind.Extension, "extension", "File extension from format and compression (csv, csv.gz, jsonl, jsonl.gz, ndjson, ndjson.gz, parquet)", "csv", MacroGroup.File),
    ];

    private static readonly FrozenDictionary<string, MacroInfo> ByName = All.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
    private static readonly FrozenDictionary<MacroKind, MacroInfo> ByKind = All.ToFrozenDictionary(m => m.Kind);

    /// <summary>The macro with this name (case-sensitive), if any.</summary>
    public static MacroInfo? Find(string name) => ByName.GetValueOrDefault(name);

    public static MacroInfo Of(MacroKind kind) => ByKind[kind];

    /// <summary>The known macro nearest to a misspelt name, or null when nothing is close.</summary>
    public static MacroInfo? Nearest(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        if (ByName.TryGetValue(lower, out var exact)) return exact;
        var best = All.Select(m => (Macro: m, Distance: Levenshtein(lower, m.Name))).MinBy(x => x.Distance);
        // Allow about a third of the name to differ: "strem_name" and "date-time" match, "foo" does not.
        return best.Distance <= Math.Max(2, best.Macro.Name.Length / 3) ? best.Macro : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
