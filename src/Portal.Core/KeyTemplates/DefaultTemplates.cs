namespace Portal.Core.KeyTemplates;

using Portal.Core.Connections;

/// <summary>The template a connection uses when it sets none.</summary>
public static class DefaultTemplates
{
    /// <summary>The data-platform dump layout: one timestamped folder per dump, a folder per table.</summary>
    public const string Dump = "{dump_time}/{stream_name}/{stream_name}_{part}.{extension}";

    /// <summary>Stream exports: a folder per stream and day, files named by run and part.</summary>
    public const string StreamExport = "{stream_name}/{date}/{connection_run_id}_{part}.{extension}";

    public static string For(DeliveryKind kind) => kind == DeliveryKind.Dump ? Dump : StreamExport;
}
