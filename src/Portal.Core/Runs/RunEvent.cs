namespace Portal.Core.Runs;

/// <summary>One thing that happened during a run (started, a stream finished, failed, retry scheduled…), for its log.</summary>
public sealed class RunEvent
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Started, StreamFinished, Succeeded, Failed, Cancelled, RetryScheduled, Interrupted.</summary>
    public required string Kind { get; set; }

    public string? Stream { get; set; }

    public required string Message { get; set; }
}
