namespace Portal.Infrastructure.Seeding;

/// <summary>Demo data for a first look (<c>Portal:Demo</c>); off unless enabled.</summary>
public sealed class DemoOptions
{
    public const string Section = "Portal:Demo";

    public bool Enabled { get; set; }

    /// <summary>A SQLite database copied into the data folder as the demo customer's source (the Chinook sample).</summary>
    public string? SourceFile { get; set; }

    /// <summary>A local S3-compatible endpoint for the demo connection; none means the connection points at AWS.</summary>
    public string? S3Endpoint { get; set; }

    public string? S3AccessKey { get; set; }

    public string? S3SecretKey { get; set; }

    public string Bucket { get; set; } = "demo-analytics";

    /// <summary>A dbt <c>target/</c> folder the demo's artifact sync copies for its two commands (dbt seed, dbt run).</summary>
    public string? DbtTargetFolder { get; set; }

    /// <summary>The bucket of the demo's failing connection: it does not exist until the operator creates it, then a rerun succeeds.</summary>
    public string MissingBucket { get; set; } = "demo-lake";

    /// <summary>Days of past runs recorded for the demo's connections, so Home and the charts have something to show.</summary>
    public int HistoryDays { get; set; } = 7;
}
