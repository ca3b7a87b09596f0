namespace Portal.Infrastructure.Telemetry;

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Portal.Core.Connections;
using Portal.Core.Runs;

/// <summary>
/// The portal's own metrics (meter <c>Portal</c>), exported for Prometheus at <c>/metrics</c> or over OTLP. Labels
/// are bounded: delivery kind, run status, S3 error code, channel kind, outcome. No customer name, connection,
/// key or bucket is ever a label.
/// </summary>
public static class PortalMetrics
{
    public const string MeterName = "Portal";

    private static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("portal.runs.started", "{run}", "Runs that started (queued → running).");
    private static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("portal.runs.ended", "{run}", "Runs that ended, by status (Succeeded, Failed, Cancelled).");
    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("portal.run.duration", "s", "From start to end of a run.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200] });
    private static readonly Counter<long> Rows = Meter.CreateCounter<long>("portal.delivered.rows", "{row}", "Rows delivered by succeeded runs.");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("portal.delivered.bytes", "By", "Bytes delivered by succeeded runs, as stored.");
    private static readonly Counter<long> Parts = Meter.CreateCounter<long>("portal.delivered.parts", "{object}", "Data files (parts) uploaded by succeeded runs.");
    private static readonly Counter<long> S3Errors = Meter.CreateCounter<long>("portal.s3.errors", "{error}", "S3 and STS requests that failed, by error code (retried ones included).");
    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>("portal.notifications", "{attempt}", "Notification attempts, by channel kind and outcome.");

    private static Func<RunQueueSample> _queue = () => RunQueueSample.Unknown;

    static PortalMetrics()
    {
        Meter.CreateObservableGauge("portal.runs.queued", () => _queue().Queued, "{run}", "Runs waiting to start.");
        Meter.CreateObservableGauge("portal.runs.running", () => _queue().Running, "{run}", "Runs in progress on any node.");
        Meter.CreateObservableGauge("portal.runs.oldest_queued_age", () => _queue().OldestQueuedAge.TotalSeconds, "s", "How long the oldest queued run has waited.");
    }

    /// <summary>Where the queue gauges read from (a sample the sampler refreshes; reading the database on every scrape would let scrapes load it).</summary>
    public static void ObserveQueue(Func<RunQueueSample> sample) => _queue = sample;

    public static void RunStarted(DeliveryKind kind) => RunsStarted.Add(1, Kind(kind));

    public static void RunEnded(DeliveryKind kind, RunStatus status, DateTimeOffset? startedAt, DateTimeOffset finishedAt)
    {
        RunsEnded.Add(1, Kind(kind), new("status", status.ToString()));
        if (startedAt is { } started) RunDuration.Record(Math.Max(0, (finishedAt - started).TotalSeconds), Kind(kind), new("status", status.ToString()));
    }

    public static void Delivered(DeliveryKind kind, long rows, long bytes, int parts)
    {
        Rows.Add(rows, Kind(kind));
        Bytes.Add(bytes, Kind(kind));
        Parts.Add(parts, Kind(kind));
    }

    public static void S3Error(string? code) => S3Errors.Add(1, new KeyValuePair<string, object?>("code", Bounded(code)));

    public static void Notification(string channelKind, string outcome) =>
        Notifications.Add(1, new KeyValuePair<string, object?>("channel", channelKind), new KeyValuePair<string, object?>("outcome", outcome));

    private static KeyValuePair<string, object?> Kind(DeliveryKind kind) => new("kind", kind.ToString());

    // Error codes come from servers, which may send anything: known codes are labels, the rest is "Other".
    private static readonly HashSet<string> KnownCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AllAccessDisabled", "BadDigest", "BucketAlreadyExists", "EntityTooLarge", "EntityTooSmall", "ExpiredToken", "InternalError",
        "InvalidAccessKeyId", "InvalidArgument", "InvalidBucketName", "InvalidPart", "InvalidPartOrder", "InvalidRequest", "InvalidToken",
        "KMS.DisabledException", "KMS.NotFoundException", "MalformedXML", "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "NotImplemented",
        "RequestTimeTooSkewed", "RequestTimeout", "ServiceUnavailable", "SignatureDoesNotMatch", "SlowDown", "Throttling", "TokenRefreshRequired",
        "RegionDisabledException", "MalformedPolicyDocument", "PackedPolicyTooLarge", "IDPCommunicationError", "Timeout", "Network",
    };

    private static string Bounded(string? code) => string.IsNullOrEmpty(code) ? "None" : KnownCodes.Contains(code) ? code : "Other";
}

/// <summary>The run queue as last sampled.</summary>
public sealed record RunQueueSample(long Queued, long Running, TimeSpan OldestQueuedAge)
{
    public static readonly RunQueueSample Unknown = new(0, 0, TimeSpan.Zero);
}

/// <summary>The portal's traces (source <c>Portal.Runs</c>): a span per run, per stream and per part upload.</summary>
public static class PortalTracing
{
    public const string SourceName = "Portal.Runs";

    public static readonly ActivitySource Source = new(SourceName, "1.0");
}
