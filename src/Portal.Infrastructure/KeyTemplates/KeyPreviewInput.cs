namespace Portal.Infrastructure.KeyTemplates;

/// <summary>A preview request; every field but the template is optional and gets a realistic value when missing.</summary>
public sealed record KeyPreviewInput(
    string? Template,
    string? Prefix = null,
    string? Format = null,
    string? Compression = null,
    DateTimeOffset? LoadTime = null,
    string? ConnectionId = null,
    string? ConnectionRunId = null,
    IReadOnlyList<KeyPreviewStreamInput>? Streams = null,
    int? Parts = null);

/// <summary>A stream of a preview request; a null cursor means the stream has no cursor column.</summary>
public sealed record KeyPreviewStreamInput(string? Id, string? Name, DateTimeOffset? Cursor);
