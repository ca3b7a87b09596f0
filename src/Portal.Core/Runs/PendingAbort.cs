namespace Portal.Core.Runs;

/// <summary>A multipart upload a failed run could not abort (the server was unreachable); aborted before the connection's next run.</summary>
public sealed class PendingAbort
{
    public long Id { get; set; }

    public Guid ConnectionId { get; set; }

    public required string Key { get; set; }

    public required string UploadId { get; set; }

    public long RunId { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
