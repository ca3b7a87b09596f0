namespace Portal.Core.KeyTemplates;

/// <summary>What one key is made of: the run, the stream, the part and the file's extension.</summary>
public readonly record struct KeyValues(
    DateTimeOffset LoadTime,
    DateTimeOffset? Cursor,
    string StreamId,
    string StreamName,
    string ConnectionId,
    string ConnectionRunId,
    string StreamRunId,
    long Part,
    string Extension);
