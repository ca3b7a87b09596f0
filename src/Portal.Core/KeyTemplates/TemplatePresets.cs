namespace Portal.Core.KeyTemplates;

using Portal.Core.Connections;

/// <summary>A common key layout the editor offers in one click.</summary>
public sealed record TemplatePreset(string Id, string Name, string Template);

/// <summary>The layouts people ask for most: the data-platform dump, Hive-style partitions, and by stream and date.</summary>
public static class TemplatePresets
{
    public static readonly TemplatePreset DataPlatformDump = new("data-platform", "Data-platform dump", DefaultTemplates.Dump);

    public static readonly TemplatePreset HiveDump = new("hive", "Hive-style partitions",
        "{stream_name}/year={year}/month={month}/day={day}/{dump_time}/{stream_name}_{part}.{extension}");

    public static readonly TemplatePreset ByStreamAndDate = new("stream-date", "By stream and date", DefaultTemplates.StreamExport);

    public static readonly TemplatePreset Hive = new("hive", "Hive-style partitions",
        "{stream_name}/year={year}/month={month}/day={day}/{connection_run_id}_{part}.{extension}");

    public static readonly TemplatePreset ByCursor = new("cursor", "By stream and cursor time",
        "{stream_name}/{cursor_year}/{cursor_month}/{cursor_day}/{stream_name}_{cursor_date_time}_{part}.{extension}");

    /// <summary>The presets that suit a kind of delivery; each is valid for it.</summary>
    public static IReadOnlyList<TemplatePreset> For(DeliveryKind kind) => kind switch
    {
        DeliveryKind.Dump => [DataPlatformDump, HiveDump],
        DeliveryKind.StreamExport => [ByStreamAndDate, Hive, ByCursor, DataPlatformDump with { Name = "Data-platform layout (a folder per run)" }],
        _ => [],
    };
}
