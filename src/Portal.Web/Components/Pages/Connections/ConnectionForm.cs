namespace Portal.Web.Components.Pages.Connections;

using Portal.Core.Connections;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.KeyTemplates;

/// <summary>The editor's mutable model of a connection; becomes a <see cref="ConnectionInput"/> on save.</summary>
public sealed class ConnectionForm
{
    public Guid? CustomerId { get; set; }
    public string Name { get; set; } = "";
    public DeliveryKind Kind { get; set; } = DeliveryKind.Dump;
    public string Bucket { get; set; } = "";
    public string Region { get; set; } = "eu-west-1";
    public string Prefix { get; set; } = "";
    public string? Endpoint { get; set; }
    public string? StsEndpoint { get; set; }
    public string? KmsKeyArn { get; set; }
    /// <summary>Null: automatic (AWS checksums on AWS, only required ones on a custom endpoint).</summary>
    public ChecksumPolicy? ChecksumMode { get; set; }
    public AuthMethod AuthMethod { get; set; } = AuthMethod.AssumeRole;
    public string? RoleArn { get; set; }
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    public Guid? SourceId { get; set; }
    public List<StreamRow> Streams { get; set; } = [];
    public string? Template { get; set; }
    public string Format { get; set; } = "ndjson";
    public string Compression { get; set; } = "gzip";

    public string CompressionLevel { get; set; } = Portal.Core.Formats.FileFormats.Optimal;
    public long MaxPartMiB { get; set; } = 128;
    public string? Schedule { get; set; } = "0 3 * * *";
    public bool Enabled { get; set; } = true;
    public int Retries { get; set; } = 1;

    /// <summary>Null: the kind's default (on for stream exports).</summary>
    public bool? Manifests { get; set; }

    public SchemaChangePolicy OnSchemaChange { get; set; }
    public List<ScheduleRow> Schedules { get; set; } = [];

    public static ConnectionForm From(Connection c) => new()
    {
        CustomerId = c.CustomerId, Name = c.Name, Kind = c.Kind, Bucket = c.Bucket, Region = c.Region, Prefix = c.Prefix,
        Endpoint = c.Endpoint, StsEndpoint = c.StsEndpoint, KmsKeyArn = c.KmsKeyArn, ChecksumMode = c.ChecksumMode,
        AuthMethod = c.AuthMethod, RoleArn = c.RoleArn, AccessKeyId = c.AccessKeyId, SourceId = c.SourceId,
        Streams = c.Streams.OrderBy(s => s.Position).Select(s => new StreamRow { Id = s.Id, Mark = s.CursorValue, Name = s.Name, Table = s.Table, CursorColumn = s.CursorColumn, CursorStart = s.CursorStart }).ToList(),
        Template = c.Template, Format = c.Format, Compression = c.Compression, CompressionLevel = c.CompressionLevel, MaxPartMiB = Math.Max(1, c.MaxPartBytes / (1024 * 1024)),
        Schedule = c.Schedule, Enabled = c.Enabled, Retries = c.Retries, Manifests = c.Manifests, OnSchemaChange = c.OnSchemaChange,
        Schedules = c.Schedules.OrderBy(s => s.Position).Select(s => new ScheduleRow
        {
            Name = s.Name, Cron = s.Cron,
            Commands = s.Commands.OrderBy(x => x.Position).Select(x => new CommandRow { Id = x.CommandId, Command = x.Command, Folder = x.Folder }).ToList(),
        }).ToList(),
    };

    /// <summary>What a gzip level costs and saves, as the editor states it.</summary>
    public static string LevelTradeOff(string level) => level switch
    {
        Portal.Core.Formats.FileFormats.Fastest => "Least CPU, quickest dumps; files about a third larger than optimal (more storage and transfer).",
        Portal.Core.Formats.FileFormats.Smallest => "Smallest files (a few percent below optimal) at several times the CPU: dumps take longer.",
        _ => "The default: about gzip -6 in size, compressed on every core.",
    };

    public ConnectionInput ToInput() => new()
    {
        CustomerId = CustomerId, Name = Name, Kind = Kind.ToString(), Bucket = Bucket.Trim(), Region = Region.Trim(), Prefix = Prefix,
        Endpoint = Endpoint, StsEndpoint = StsEndpoint, KmsKeyArn = KmsKeyArn, ChecksumMode = ChecksumMode?.ToString(),
        Auth = AuthMethod == AuthMethod.AssumeRole
            ? new AuthInput(nameof(AuthMethod.AssumeRole), RoleArn?.Trim())
            : new AuthInput(nameof(AuthMethod.AccessKey), AccessKeyId: AccessKeyId?.Trim(), SecretAccessKey: string.IsNullOrEmpty(SecretAccessKey) ? null : SecretAccessKey),
        SourceId = SourceId,
        Streams = Kind == DeliveryKind.ArtifactSync ? [] : Streams.Select(s => new StreamInput(s.Name.Trim(), s.Table.Trim(), Blank(s.CursorColumn), Blank(s.CursorStart))).ToList(),
        Template = Template, Format = Format, Compression = Compression, CompressionLevel = CompressionLevel, MaxPartBytes = MaxPartMiB * 1024 * 1024,
        Schedule = Kind == DeliveryKind.ArtifactSync ? null : Blank(Schedule), Enabled = Enabled, Retries = Retries, Manifests = Manifests, OnSchemaChange = OnSchemaChange.ToString(),
        Schedules = Kind != DeliveryKind.ArtifactSync ? [] : Schedules.Select(s => new ScheduleInput(s.Name.Trim(), s.Cron.Trim(),
            s.Commands.Select(x => new CommandInput(x.Id, x.Command, x.Folder)).ToList())).ToList(),
    };

    /// <summary>What shapes the keys, for the live preview.</summary>
    public KeyDraft ToDraft(Guid connectionId) => new(connectionId, Kind, Prefix, Template, Format, Compression, Kind == DeliveryKind.ArtifactSync ? null : Schedule,
        Streams.Select(s => new DraftStream(s.Id?.ToString(), s.Name, !string.IsNullOrWhiteSpace(s.CursorColumn), s.Mark ?? Blank(s.CursorStart))).ToList());

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed class ScheduleRow
{
    public string Name { get; set; } = "";
    public string Cron { get; set; } = "0 3 * * *";
    public List<CommandRow> Commands { get; set; } = [new()];
}

public sealed class CommandRow
{
    public long? Id { get; set; }
    public string Command { get; set; } = "dbt run";
    public string Folder { get; set; } = "";
}

public sealed class StreamRow
{
    /// <summary>The saved stream's id; null for a stream not saved yet.</summary>
    public Guid? Id { get; set; }

    /// <summary>The saved high-water mark, which the next run starts from.</summary>
    public string? Mark { get; set; }

    public string Name { get; set; } = "";
    public string Table { get; set; } = "";
    public string? CursorColumn { get; set; }
    public string? CursorStart { get; set; }

    /// <summary>The stream name a table suggests: lower case, anything but letters, digits, '_' and '-' as '_'.</summary>
    public static string NameFor(string table) =>
        new(table.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
}
