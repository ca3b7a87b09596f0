namespace Portal.Core.Runs;

using Portal.Core.Connections;

/// <summary>One execution of a connection's delivery.</summary>
public sealed class Run : ICustomerOwned
{
    /// <summary>Sequential, so people can say "run 58602".</summary>
    public long Id { get; set; }

    public Guid ConnectionId { get; set; }

    /// <summary>Copied from the connection so tenant filters and run lists need no join.</summary>
    public Guid CustomerId { get; set; }

    public DeliveryKind Kind { get; set; }

    public RunTrigger Trigger { get; set; }

    public RunStatus Status { get; set; } = RunStatus.Queued;

    public long? RerunOfId { get; set; }

    /// <summary>The failed attempt this one retries (automatic retry or recovery after a worker died).</summary>
    public long? PreviousAttemptId { get; set; }

    /// <summary>A failure superseded by a later success of the same connection.</summary>
    public bool Resolved { get; set; }

    public int Attempt { get; set; } = 1;

    public DateTimeOffset QueuedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The error in plain words with its cause chain (causes joined by " — caused by: ").</summary>
    public string? Error { get; set; }

    /// <summary>Where the error happened (a stream and what it was doing, the receipt, a command).</summary>
    public string? ErrorStep { get; set; }

    /// <summary>Last sign of life from the worker running it; a run silent for too long is failed.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    public long Rows { get; set; }

    public long Bytes { get; set; }

    public int Parts { get; set; }

    /// <summary>The exact keys written, in order (a JSON array as stored).</summary>
    public string KeysJson { get; set; } = "[]";

    /// <summary>The keys written, read from <see cref="KeysJson"/>.</summary>
    public IReadOnlyList<string> Keys() => System.Text.Json.JsonSerializer.Deserialize<List<string>>(KeysJson) ?? [];

    public void SetKeys(IReadOnlyList<string> keys) => KeysJson = System.Text.Json.JsonSerializer.Serialize(keys);

    /// <summary>The connection's run id used in keys ({connection_run_id}).</summary>
    public Guid ConnectionRunId { get; set; } = Guid.NewGuid();

    public List<RunStream> Streams { get; set; } = [];

    /// <summary>When someone asked for the run to stop; the node running it sees this with its next heartbeat.</summary>
    public DateTimeOffset? CancelRequestedAt { get; set; }

    /// <summary>
    /// A dump's folder name (what <c>{dump_time}</c> expands to), chosen before its first object is written so
    /// that no two dumps share a folder; the retries and recovery of the same dump write into it again.
    /// </summary>
    public string? DumpFolder { get; set; }

    /// <summary>The worker process that ran it (host name and process id).</summary>
    public string? Node { get; set; }

    /// <summary>The run an exact redelivery repeats (same cursor ranges, same keys); null for every other run.</summary>
    public long? RedeliveryOfId { get; set; }

    /// <summary>The failed dump a resume completes (in its folder, writing only the tables without a complete set of files); null for every other run.</summary>
    public long? ResumeOfId { get; set; }

    /// <summary>A backfill's streams and range as JSON (<see cref="BackfillRange"/>); null for every other run.</summary>
    public string? BackfillJson { get; set; }

    public BackfillRange? Backfill => BackfillRange.Parse(BackfillJson);

    /// <summary>What a run left <see cref="RunStatus.Running"/> by a worker that died is failed with.</summary>
    public const string InterruptedError = "Interrupted: the worker stopped.";

    /// <summary>The error of a run a stopping node handed back; like every interruption, another attempt follows.</summary>
    public const string HandedBackError = "Interrupted: the worker shut down before the run finished and handed it back; the next attempt continues it.";
}
