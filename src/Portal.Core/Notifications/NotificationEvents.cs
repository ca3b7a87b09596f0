namespace Portal.Core.Notifications;

/// <summary>The events a rule can send to a channel, by the names receivers see in a body's <c>event</c>.</summary>
public static class NotificationEvents
{
    /// <summary>A run failed after its automatic retries (not on each retried attempt).</summary>
    public const string RunFailed = "run.failed";

    /// <summary>A connection succeeded after failing.</summary>
    public const string RunRecovered = "run.recovered";

    /// <summary>A connection reached a rule's number of consecutive failed runs.</summary>
    public const string ConnectionFailing = "connection.failing";

    /// <summary>A connection's schedule was paused, automatically after failures or by someone.</summary>
    public const string ConnectionPaused = "connection.paused";

    /// <summary>A dump's <c>receipt.json</c> was written.</summary>
    public const string DumpDelivered = "dump.delivered";

    /// <summary>A stream export delivered.</summary>
    public const string ExportDelivered = "export.delivered";

    /// <summary>An artifact sync delivered.</summary>
    public const string ArtifactsDelivered = "artifacts.delivered";

    /// <summary>A stream export's run found columns added, removed or changed in kind (sent when it delivered, or when it failed for it).</summary>
    public const string SchemaChanged = "schema.changed";

    /// <summary>Sent by a channel's "Send test"; never matched by rules.</summary>
    public const string Test = "test";

    /// <summary>Every event a rule may name, in the order the UI lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [RunFailed, RunRecovered, ConnectionFailing, ConnectionPaused, DumpDelivered, ExportDelivered, ArtifactsDelivered, SchemaChanged];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);

    /// <summary>The delivered event of a delivery kind.</summary>
    public static string DeliveredOf(Connections.DeliveryKind kind) => kind switch
    {
        Connections.DeliveryKind.Dump => DumpDelivered,
        Connections.DeliveryKind.ArtifactSync => ArtifactsDelivered,
        _ => ExportDelivered,
    };
}
