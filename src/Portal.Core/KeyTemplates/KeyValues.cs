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
    string Extension)
{
    /// <summary>
    /// The dump's folder name when it is not the load time's minute (<c>2025-04-14T11:23</c>): a second dump within
    /// the same minute gets seconds and, if need be, a suffix, so no two dumps share a folder.
    /// </summary>
    public string? DumpName { get; init; }
}
