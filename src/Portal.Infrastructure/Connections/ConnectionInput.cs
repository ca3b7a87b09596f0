namespace Portal.Infrastructure.Connections;

/// <summary>
/// A connection as clients send it (API and editor). Enums travel as strings so a wrong value gets a
/// field message instead of a parse failure.
/// </summary>
public sealed record ConnectionInput
{
    public Guid? CustomerId { get; init; }
    public string? Name { get; init; }
    public string? Kind { get; init; }
    public string? Bucket { get; init; }
    public string? Region { get; init; }
    public string? Prefix { get; init; }
    public string? Endpoint { get; init; }
    public string? StsEndpoint { get; init; }
    public string? KmsKeyArn { get; init; }
    public string? ChecksumMode { get; init; }
    public AuthInput? Auth { get; init; }
    public Guid? SourceId { get; init; }
    public IReadOnlyList<StreamInput>? Streams { get; init; }
    public string? Template { get; init; }
    public string? Format { get; init; }
    public string? Compression { get; init; }

    /// <summary>gzip's level: <c>fastest</c>, <c>optimal</c> (the default) or <c>smallest</c>.</summary>
    public string? CompressionLevel { get; init; }
    public long? MaxPartBytes { get; init; }
    public string? Schedule { get; init; }
    public bool? Enabled { get; init; }
    public int? Retries { get; init; }

    /// <summary>Run manifests under <c>_manifests/</c>: true, false, or null for the kind's default (on for stream exports).</summary>
    public bool? Manifests { get; init; }

    /// <summary>Stream exports: <c>CarryOn</c> (the default) or <c>Fail</c> when a run finds a column removed or changed in kind.</summary>
    public string? OnSchemaChange { get; init; }

    /// <summary>Artifact syncs only: schedules of dbt commands.</summary>
    public IReadOnlyList<ScheduleInput>? Schedules { get; init; }
}

public sealed record ScheduleInput(string? Name, string? Cron, IReadOnlyList<CommandInput>? Commands);

/// <summary>A dbt command: its numeric id, the command line, and the folder holding its <c>target/</c>.</summary>
public sealed record CommandInput(long? Id, string? Command, string? Folder);

/// <summary><c>{"method": "AssumeRole", "roleArn"}</c> or <c>{"method": "AccessKey", "accessKeyId", "secretAccessKey"}</c>.</summary>
public sealed record AuthInput(string? Method, string? RoleArn = null, string? AccessKeyId = null, string? SecretAccessKey = null);

public sealed record StreamInput(string? Name, string? Table, string? CursorColumn = null, string? CursorStart = null);
