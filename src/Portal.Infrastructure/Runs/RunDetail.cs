namespace Portal.Infrastructure.Runs;

using Portal.Core.Runs;

/// <summary>
/// One run as its page shows it: the run with its streams, its connection and customer by name, the runs
/// it links to (reruns of it, the chain of attempts it belongs to) and the log of every attempt.
/// </summary>
public sealed record RunDetail(
    Run Run, string ConnectionName, string CustomerName, string ConnectionPrefix,
    IReadOnlyList<long> Reruns, IReadOnlyList<Run> Attempts, IReadOnlyList<RunEvent> Events)
{
    /// <summary>The receipt a successful dump wrote (its last key), if any.</summary>
    public string? ReceiptKey =>
        Run.Kind == Core.Connections.DeliveryKind.Dump && Run.Status == RunStatus.Succeeded
            ? Keys.LastOrDefault(k => k.EndsWith(Portal.Core.Receipts.DumpLayout.ReceiptName, StringComparison.Ordinal)) : null;

    public IReadOnlyList<string> Keys { get; } = Run.Keys();
}

/// <summary>A point of a connection's run history chart.</summary>
public sealed record RunHistoryPoint(long Id, DateTimeOffset QueuedAt, RunStatus Status, double? DurationSeconds, long Bytes, long Rows);
