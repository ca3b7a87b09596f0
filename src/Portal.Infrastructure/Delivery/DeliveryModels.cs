namespace Portal.Infrastructure.Delivery;

/// <summary>One run of a connection's delivery: its number, id (for keys) and load time.</summary>
public sealed record DeliveryRequest(long RunId, string ConnectionRunId, DateTimeOffset LoadTime)
{
    /// <summary>A dump's folder name chosen by an earlier attempt of the same dump: this attempt writes it again.</summary>
    public string? DumpFolder { get; init; }

    /// <summary>Folder names other runs of the connection chose: a new dump never takes them, even when they are still empty.</summary>
    public IReadOnlySet<string>? FoldersTaken { get; init; }

    /// <summary>Called with a new dump's folder name before anything is written into it (the run records it, for its retries).</summary>
    public Func<string, CancellationToken, Task>? FolderChosen { get; init; }

    /// <summary>
    /// Cursor ranges of its own, per stream, for a backfill (its range for each chosen stream) or an exact redelivery (the
    /// ranges the repeated run read; To null: it read nothing, or the stream has no cursor and is read whole). Only these
    /// streams run, and no mark moves. Null for a run that reads from each stream's mark.
    /// </summary>
    public IReadOnlyDictionary<string, (string? From, string? To)>? Ranges { get; init; }

    /// <summary>
    /// A resume of a failed dump (with <see cref="DumpFolder"/> its folder): tables that have a complete set of files there
    /// are kept as they are, the others are written again, then the receipt.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Whether a stream takes part in this run (every stream, or those given ranges).</summary>
    public bool Includes(string stream) => Ranges is null || Ranges.ContainsKey(stream);
}

/// <summary>Progress of a stream while it runs.</summary>
public sealed record StreamProgress(string Name, long Rows, int Parts, long Bytes, long? Total = null);

/// <summary>What a stream delivered, and the cursor mark to save if the whole run succeeds.</summary>
public sealed record StreamOutcome(string Name, long Rows, IReadOnlyList<Portal.Core.Parts.PartFile> Files, string? SchemaKey, string? NewMark, Portal.Core.Sources.CursorKind? CursorKind = null)
{
    public long Bytes => Files.Sum(f => f.Bytes);

    /// <summary>The mark the run started from (the rows read are above it, up to <see cref="NewMark"/>); null without a cursor or on a first run.</summary>
    public string? OldMark { get; init; }

    /// <summary>The upper bound of a range of its own (a backfill, a redelivery); its <see cref="NewMark"/> is null, as no mark moves.</summary>
    public string? RangeTo { get; init; }

    /// <summary>Whether this run wrote <see cref="SchemaKey"/> (a stream export's schema file is written only when it changed).</summary>
    public bool SchemaWritten { get; init; } = true;

    /// <summary>A stream export's columns as delivered (<see cref="Portal.Core.Formats.StreamSchema.Serialize"/>), kept with the stream when the run succeeds.</summary>
    public string? SchemaJson { get; init; }

    /// <summary>How the columns changed since the schema last delivered (stream exports).</summary>
    public IReadOnlyList<Portal.Core.Formats.SchemaChange> SchemaChanges { get; init; } = [];

    /// <summary>A resumed dump's table whose complete files an earlier attempt wrote: listed in the receipt, not written again.</summary>
    public bool Kept { get; init; }
}

/// <summary>What a run delivered: per stream, and the receipt it wrote last (dumps).</summary>
public sealed record DeliveryOutcome(IReadOnlyList<StreamOutcome> Streams, string? ReceiptKey)
{
    /// <summary>The receipt as written (dumps), for the <c>dump.delivered</c> notification.</summary>
    public string? ReceiptJson { get; init; }

    /// <summary>The run manifest, written after everything else, when the connection writes manifests.</summary>
    public string? ManifestKey { get; init; }

    /// <summary>Every key written, in order: data files, schemas, then the receipt.</summary>
    public IReadOnlyList<string> Keys =>
    [
        .. Streams.Where(s => !s.Kept).SelectMany(s => s.Files.Select(f => f.Key)),
        .. Streams.Where(s => s.SchemaKey is not null && s.SchemaWritten && !s.Kept).Select(s => s.SchemaKey!),
        .. ReceiptKey is null ? Array.Empty<string>() : [ReceiptKey],
        .. ManifestKey is null ? Array.Empty<string>() : [ManifestKey],
    ];
}

/// <summary>A failed run: the cause, and uploads that could not be aborted (to abort at the next run).</summary>
public sealed class DeliveryFailedException(string message, Exception inner, IReadOnlyList<(string Key, string UploadId)> pendingAborts)
    : Exception(message, inner)
{
    public IReadOnlyList<(string Key, string UploadId)> PendingAborts { get; } = pendingAborts;

    /// <summary>The schema changes a run found before it failed (for <c>schema.changed</c> when it failed for them).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Portal.Core.Formats.SchemaChange>> SchemaChanges { get; init; } =
        new Dictionary<string, IReadOnlyList<Portal.Core.Formats.SchemaChange>>();

    /// <summary>Where it happened, when known.</summary>
    public string? Step { get; init; }
}

/// <summary>Delivery settings (<c>Portal:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Portal:Delivery";

    /// <summary>How many streams of one run are written at the same time.</summary>
    public int StreamParallelism { get; set; } = 2;

    /// <summary>How long one S3 request (a part upload among them) may take before it is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of a failed S3 request (throttling, 5xx, timeouts), with the SDK's backoff.</summary>
    public int MaxErrorRetry { get; set; } = 4;

    /// <summary>
    /// A pause between a dump's last data file and its receipt. For fault-injection tests only (a process killed
    /// there must leave a bucket and a record that agree); leave it at zero.
    /// </summary>
    public TimeSpan PauseBeforeReceipt { get; set; }

    /// <summary>How long after a failed run its automatic retry starts.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>A line for the run's log while it runs (stream started, part uploaded, stream finished…).</summary>
public sealed record RunNote(string Kind, string? Stream, string Message)
{
    public const string StreamStarted = nameof(StreamStarted);
    public const string PartUploaded = nameof(PartUploaded);
    public const string StreamFinished = nameof(StreamFinished);

    /// <summary>A resumed dump's table whose complete files were kept.</summary>
    public const string TableKept = nameof(TableKept);
}

/// <summary>A failure with the step of the run it happened in (a stream and what it was doing, the receipt).</summary>
public sealed class RunStepException(string step, Exception inner) : Exception(inner.Message, inner)
{
    public string Step { get; } = step;

    /// <summary>The innermost step named in <paramref name="e"/>'s chain, if any.</summary>
    public static string? StepOf(Exception e)
    {
        string? step = null;
        for (var x = e; x is not null; x = x.InnerException)
            if (x is RunStepException s) step ??= s.Step;
        return step;
    }
}

/// <summary>A run of a connection that fails on schema changes found a column removed or retyped: nothing was written.</summary>
public sealed class SchemaChangedException(string message, IReadOnlyDictionary<string, IReadOnlyList<Portal.Core.Formats.SchemaChange>> changes)
    : InvalidOperationException(message)
{
    /// <summary>The step a run fails at for its schema's changes (its record's error step).</summary>
    public const string Step = "checking the streams' schemas";

    public IReadOnlyDictionary<string, IReadOnlyList<Portal.Core.Formats.SchemaChange>> Changes { get; } = changes;
}
