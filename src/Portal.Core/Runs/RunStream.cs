namespace Portal.Core.Runs;

/// <summary>Progress of one stream (or artifact command) within a run.</summary>
public sealed class RunStream
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public required string Name { get; set; }

    public long Rows { get; set; }

    public int Parts { get; set; }

    public long Bytes { get; set; }

    /// <summary>Rows (or files, for an artifact command) expected, when known before the end; drives a determinate progress bar.</summary>
    public long? Total { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The cursor range the stream read, <c>CursorFrom &lt; cursor ≤ CursorTo</c> (null bounds: none, or no cursor): what an exact redelivery reads again.</summary>
    public string? CursorFrom { get; set; }

    public string? CursorTo { get; set; }
}
