namespace Portal.Web.Api;

using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Infrastructure.Scheduling;

/// <summary>A connection as the API returns it: never a secret, only its masked hint.</summary>
public sealed record ConnectionDto(
    Guid Id, Guid CustomerId, string Name, string Kind, string Bucket, string Region, string Prefix,
    string? Endpoint, string? StsEndpoint, string? KmsKeyArn, string ChecksumMode, AuthDto Auth, string ExternalId,
    Guid? SourceId, IReadOnlyList<StreamDto> Streams, string? Template, string Format, string Compression,
    long MaxPartBytes, string? Schedule, IReadOnlyList<DateTimeOffset> NextRuns, bool Enabled, int Retries,
    IReadOnlyList<ScheduleDto> Schedules, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? PausedReason = null, DateTimeOffset? PausedAt = null, int ConsecutiveFailures = 0, bool Manifests = false,
    string OnSchemaChange = nameof(SchemaChangePolicy.CarryOn), string CompressionLevel = Portal.Core.Formats.FileFormats.Optimal)
{
    public static ConnectionDto From(Connection c) => new(
        c.Id, c.CustomerId, c.Name, c.Kind.ToString(), c.Bucket, c.Region, c.Prefix, c.Endpoint, c.StsEndpoint, c.KmsKeyArn,
        c.ChecksumMode.ToString(), AuthDto.From(c), c.ExternalId, c.SourceId,
        c.Streams.OrderBy(s => s.Position).Select(s => new StreamDto(s.Id, s.Name, s.Table, s.CursorColumn, s.CursorStart, s.CursorValue, s.CursorKind?.ToString())).ToList(),
        c.Template, c.Format, c.Compression, c.MaxPartBytes, c.Schedule,
        CronSchedule.TryParse(c.Schedule, out var schedule, out _) && c.Schedule is not null ? schedule!.Next(DateTimeOffset.UtcNow, 3) : [],
        c.Enabled, c.Retries,
        c.Schedules.OrderBy(s => s.Position).Select(s => new ScheduleDto(s.Name, s.Cron,
            s.Commands.OrderBy(x => x.Position).Select(x => new CommandDto(x.CommandId, x.Command, x.Folder)).ToList())).ToList(),
        c.CreatedAt, c.UpdatedAt, c.PausedReason, c.PausedAt, c.ConsecutiveFailures, c.WritesManifests, c.OnSchemaChange.ToString(), c.CompressionLevel);
}

public sealed record ScheduleDto(string Name, string Cron, IReadOnlyList<CommandDto> Commands);

public sealed record CommandDto(long Id, string Command, string Folder);

public sealed record AuthDto(string Method, string? RoleArn, string? ExternalId, string? AccessKeyId, string? SecretAccessKey)
{
    public static AuthDto From(Connection c) => c.AuthMethod == AuthMethod.AssumeRole
        ? new(nameof(AuthMethod.AssumeRole), c.RoleArn, c.ExternalId, null, null)
        : new(nameof(AuthMethod.AccessKey), null, null, c.AccessKeyId, c.SecretAccessKeyCipher is null ? null : SecretMask.Mask(c.SecretAccessKeyHint));
}

public sealed record StreamDto(Guid Id, string Name, string Table, string? CursorColumn, string? CursorStart, string? CursorValue, string? CursorKind);

public sealed record SourceDto(Guid Id, Guid CustomerId, string Name, string Kind, string ConnectionString);

public sealed record CreateSourceRequest(Guid? CustomerId, string? Name, string? Kind, string? ConnectionString);

public sealed record TestResultDto(IReadOnlyList<TestStepDto> Steps);

public sealed record TestStepDto(string Name, string Status, string Message);

public sealed record ExternalIdDto(string ExternalId);
