namespace Portal.Infrastructure.Delivery;

using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Core.Receipts;
using Portal.Core.Sources;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Sources;

/// <summary>
/// Moves a connection's streams from its source into its bucket: rows stream from the source reader
/// through the format writer and the part roller into multipart uploads. Dumps then write the schema
/// files and, last, <c>receipt.json</c>. On any failure every open upload is aborted and the previous
/// receipt is left as it was.
/// </summary>
public sealed class DeliveryRunner(
    ConnectionCredentials credentials, S3ClientFactory clients, SourceReaderFactory sources,
    IOptions<DeliveryOptions> options, ILogger<DeliveryRunner> logger)
{
    public const string ReceiptName = "receipt.json";

    /// <summary>The longest cursor value a stream can keep as its mark.</summary>
    public const int MaxMarkLength = 200;

    private static readonly KeyTemplate SchemaFolder = KeyTemplate.Parse("{dump_time}/schemas/bigquery/");

    public async Task<DeliveryOutcome> RunAsync(
        Connection connection, Source source, DeliveryRequest run, Action<StreamProgress> progress, Action<RunNote>? log, CancellationToken cancellationToken)
    {
        log ??= _ => { };
        using var s3 = await ClientAsync(connection, cancellationToken);
        var prefix = PathPrefix.Normalise(connection.Prefix);
        await AbortOrphansAsync(connection, s3, prefix, DateTime.UtcNow, cancellationToken);
        var template = KeyTemplate.Parse(connection.Template ?? DefaultTemplates.For(connection.Kind));
        var extension = FileFormats.Extension(connection.Format, connection.Compression);
        DumpFolders.DumpTarget? dump = null;
        if (connection.Kind == DeliveryKind.Dump)
        {
            try
            {
                dump = await DumpFolders.PrepareAsync(connection, run, s3, prefix, template, extension, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new DeliveryFailedException(Describe(e), e, []) { Step = "choosing the dump's folder" };
            }
            log(new RunNote("DumpFolder", null, dump.Reused
                ? $"Attempt {run.RunId} writes the folder {dump.FolderKey}/ of the attempt it retries again."
                : $"The dump goes to {dump.FolderKey}/."));
        }
        var outcomes = new ConcurrentDictionary<string, StreamOutcome>(StringComparer.Ordinal);
        var rollers = new ConcurrentBag<PartRoller>();
        // A stalled server can leave a request hanging past the SDK's own timeout; the watchdog ends
        // the run when nothing has moved for longer than all retries of one request can take.
        var stall = options.Value.RequestTimeout * (options.Value.MaxErrorRetry + 2);
        using var watchdog = new StallWatchdog(stall, cancellationToken);
        void Report(StreamProgress p)
        {
            watchdog.Alive();
            progress(p);
        }
        try
        {
            await Parallel.ForEachAsync(connection.Streams.OrderBy(s => s.Position).Where(s => run.Includes(s.Name)),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.StreamParallelism), CancellationToken = watchdog.Token },
                async (stream, ct) =>
                {
                    log(new RunNote(RunNote.StreamStarted, stream.Name, $"Reading {stream.Table}."));
                    var outcome = await DeliverStreamAsync(connection, source, stream, run, s3, template, prefix, extension, dump?.Name, rollers, Report, log, watchdog, ct);
                    outcomes[stream.Name] = outcome;
                    log(new RunNote(RunNote.StreamFinished, stream.Name, $"{outcome.Rows:N0} rows in {outcome.Files.Count} files, {outcome.Bytes:N0} bytes."));
                });
        }
        catch (Exception e)
        {
            var pending = new List<(string, string)>();
            foreach (var roller in rollers)
            {
                if (await roller.AbortAsync(options.Value.RequestTimeout * 2) is { } left) pending.Add(left);
            }
            var step = RunStepException.StepOf(e);
            var root = e is RunStepException { InnerException: { } inner } ? inner : e;
            var cause = watchdog.Stalled && !cancellationToken.IsCancellationRequested
                ? new TimeoutException($"Nothing moved for {stall.TotalSeconds:N0} s: the S3 server stopped answering.", root)
                : root;
            throw new DeliveryFailedException(Describe(cause), cause, pending) { Step = step };
        }
        finally
        {
            foreach (var roller in rollers) await roller.DisposeAsync();
        }

        var ordered = connection.Streams.OrderBy(s => s.Position).Where(s => run.Includes(s.Name)).Select(s => outcomes[s.Name]).ToList();
        string? receiptKey = null, receiptJson = null;
        if (connection.Kind == DeliveryKind.Dump)
        {
            try
            {
                if (options.Value.PauseBeforeReceipt > TimeSpan.Zero) await Task.Delay(options.Value.PauseBeforeReceipt, cancellationToken);
                if (dump!.Reused)
                {
                    var removed = await DumpFolders.RemoveStaleAsync(connection, s3, dump, ordered, cancellationToken);
                    if (removed > 0) log(new RunNote("StaleRemoved", null, $"{removed} objects an interrupted attempt of this dump left in {dump.FolderKey}/ were removed."));
                }
                (receiptKey, receiptJson) = await WriteReceiptAsync(connection, run, s3, prefix, template, ordered, dump, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new DeliveryFailedException(Describe(e), e, []) { Step = "writing receipt.json (every data file was delivered)" };
            }
            log(new RunNote("ReceiptWritten", null, $"{receiptKey} written last."));
        }
        return new DeliveryOutcome(ordered, receiptKey) { ReceiptJson = receiptJson };
    }

    /// <summary>
    /// Aborts uploads an earlier run could not abort (the server was unreachable then). Returns those
    /// that still could not be aborted; an upload that no longer exists counts as aborted.
    /// </summary>
    public async Task<IReadOnlyList<(string Key, string UploadId)>> AbortPendingAsync(Connection connection, IEnumerable<(string Key, string UploadId)> pending, CancellationToken cancellationToken)
    {
        var left = new List<(string, string)>();
        using var s3 = await ClientAsync(connection, cancellationToken);
        foreach (var (key, uploadId) in pending)
        {
            try
            {
                await s3.AbortMultipartUploadAsync(connection.Bucket, key, uploadId, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload" || e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Already gone: completed or aborted by a lifecycle rule.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not abort upload {UploadId} of {Key} yet", uploadId, key);
                left.Add((key, uploadId));
            }
        }
        return left;
    }

    /// <summary>
    /// Aborts multipart uploads under the prefix that were started before this run: a server that
    /// stalled may have created uploads whose ids never reached the portal. Runs of one connection never
    /// overlap, so none of these belongs to a live run. Needs s3:ListBucketMultipartUploads, which the
    /// least-privilege policy leaves out; without it the bucket's lifecycle rule cleans up after a day.
    /// </summary>
    private async Task AbortOrphansAsync(Connection connection, IAmazonS3 s3, string prefix, DateTime before, CancellationToken ct)
    {
        try
        {
            var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = connection.Bucket, Prefix = prefix }, ct);
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && initiated.ToUniversalTime() >= before) continue;
                await s3.AbortMultipartUploadAsync(connection.Bucket, upload.Key, upload.UploadId, ct);
                logger.LogInformation("Aborted the orphaned upload {UploadId} of {Key}", upload.UploadId, upload.Key);
            }
        }
        catch (AmazonS3Exception e)
        {
            // Best effort: not allowed (the usual case on AWS) or the bucket is gone; the run itself reports real problems.
            logger.LogDebug(e, "Could not list multipart uploads in {Bucket}; the lifecycle rule cleans up orphans", connection.Bucket);
        }
    }

    private Task<IAmazonS3> ClientAsync(Connection connection, CancellationToken cancellationToken) =>
        clients.CreateForAsync(connection, credentials, cancellationToken, options.Value.RequestTimeout, options.Value.MaxErrorRetry);

    private async Task<StreamOutcome> DeliverStreamAsync(
        Connection connection, Source source, ConnectionStream stream, DeliveryRequest run, IAmazonS3 s3, KeyTemplate template,
        string prefix, string extension, string? dumpName, ConcurrentBag<PartRoller> rollers, Action<StreamProgress> progress, Action<RunNote> log, StallWatchdog watchdog, CancellationToken ct)
    {
        var step = "opening the source";
        using var span = Telemetry.PortalTracing.Source.StartActivity("stream " + stream.Name);
        span?.SetTag("portal.stream", stream.Name);
        try
        {
            var outcome = await DeliverStreamAsync(connection, source, stream, run, s3, template, prefix, extension, dumpName, rollers, progress, log, watchdog, s => step = s, ct);
            span?.SetTag("portal.rows", outcome.Rows);
            span?.SetTag("portal.files", outcome.Files.Count);
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, step);
            throw new RunStepException($"stream {stream.Name}: {step}", e);
        }
    }

    private async Task<StreamOutcome> DeliverStreamAsync(
        Connection connection, Source source, ConnectionStream stream, DeliveryRequest run, IAmazonS3 s3, KeyTemplate template, string prefix, string extension,
        string? dumpName, ConcurrentBag<PartRoller> rollers, Action<StreamProgress> progress, Action<RunNote> log, StallWatchdog watchdog, Action<string> at, CancellationToken ct)
    {
        await using var reader = sources.Open(source);
        at($"reading the columns of {stream.Table}");
        var columns = await reader.ColumnsAsync(stream.Table, ct);
        CursorRange? range = null;
        string? newMark = null;
        CursorKind? cursorKind = null;
        var read = true;
        var keyCursor = KeyTemplates.ConnectionPreviewStreams.CursorOf(stream);
        string? oldMark = connection.Kind == DeliveryKind.StreamExport && stream.CursorColumn is not null ? stream.CursorValue ?? stream.CursorStart : null;
        if (run.Ranges is { } ranges && stream.CursorColumn is { } fixedColumn && ranges.TryGetValue(stream.Name, out var given))
        {
            // A backfill or an exact redelivery reads a range of its own and moves no mark; its cursor macros start at the
            // range's lower bound. No upper bound (or an empty range): the run it repeats read nothing.
            keyCursor = KeyTemplates.KeyPreviewService.CursorOf(given.From);
            oldMark = given.From;
            read = false;
            if (given.To is { } to && to != given.From)
            {
                at($"reading the cursor column {fixedColumn} of {stream.Table}");
                var cursor = await reader.CursorAsync(stream.Table, fixedColumn, ct)
                    ?? throw new CursorColumnException($"The cursor column '{fixedColumn}' of '{stream.Table}' holds no values: the range ({given.From ?? "start"}, {to}] cannot be read.");
                foreach (var bound in new[] { given.From, to }.OfType<string>())
                {
                    if (CursorMarks.MarkProblem(cursor.Kind, bound) is { } problem)
                        throw new CursorColumnException($"The range's bound does not fit the cursor column '{fixedColumn}' of '{stream.Table}': {problem}");
                }
                cursorKind = cursor.Kind;
                range = new CursorRange(cursor, given.From, to);
                read = true;
            }
        }
        else if (connection.Kind == DeliveryKind.StreamExport && stream.CursorColumn is { } cursorColumn)
        {
            at($"reading the cursor column {cursorColumn} of {stream.Table}");
            var mark = stream.CursorValue ?? stream.CursorStart;
            newMark = mark;
            // The kind is read again each run: a column's values decide it in SQLite, and they may have changed.
            var cursor = await reader.CursorAsync(stream.Table, cursorColumn, ct);
            cursorKind = cursor?.Kind ?? stream.CursorKind;
            read = false;
            if (cursor is not null)
            {
                if (mark is not null && CursorMarks.MarkProblem(cursor.Kind, mark) is { } problem)
                    throw new CursorColumnException(
                        $"The cursor column '{cursorColumn}' of '{stream.Table}' holds {cursor.Kind.ToString().ToLowerInvariant()} values, but the stream's mark does not: {problem} " +
                        "Set the stream's cursor start again (saving it with another cursor column resets the mark).");
                // The run reads mark < cursor <= the largest cursor above the mark when it starts; that value becomes the new mark.
                if (await reader.MaxCursorAsync(stream.Table, cursor, mark, ct) is { } upper)
                {
                    if (upper.Length > MaxMarkLength)
                        throw new CursorColumnException($"The cursor column '{cursorColumn}' of '{stream.Table}' holds a value of {upper.Length:N0} characters: a cursor's values must be at most {MaxMarkLength} long.");
                    newMark = upper;
                    range = new CursorRange(cursor, mark, upper);
                    read = true;
                }
            }
        }
        at($"counting the rows of {stream.Table}");
        long? total = null;
        try
        {
            total = read ? await reader.EstimateRowsAsync(stream.Table, range, ct) : 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the progress bar needs it.
            logger.LogDebug(e, "Could not count the rows of {Table}", stream.Table);
        }
        progress(new StreamProgress(stream.Name, 0, 0, 0, total));
        var values = new KeyValues(run.LoadTime, keyCursor, stream.Id.ToString(), stream.Name,
            connection.Id.ToString(), run.ConnectionRunId, KeyPreview.StreamRunId(run.ConnectionRunId, stream.Id.ToString()), 0, extension) { DumpName = dumpName };
        var roller = new PartRoller(s3, connection.Bucket, connection.KmsKeyArn, template, values, prefix, columns,
            connection.Format, connection.Compression, connection.MaxPartBytes, run.RunId);
        rollers.Add(roller);
        var logged = 0;
        void LogParts()
        {
            for (; logged < roller.Files.Count; logged++)
            {
                var f = roller.Files[logged];
                log(new RunNote(RunNote.PartUploaded, stream.Name, $"Part {logged + 1}: {f.Key} ({f.Rows:N0} rows, {f.Bytes:N0} bytes)."));
            }
            at($"reading rows and uploading part {roller.Files.Count + 1}");
        }

        LogParts();
        if (read)
        {
            var sinceReport = 0;
            await foreach (var row in reader.ReadAsync(stream.Table, columns, range, ct))
            {
                await roller.WriteRowAsync(row, ct);
                if (roller.Files.Count != logged) LogParts();
                watchdog.Alive();
                if (++sinceReport == 10_000)
                {
                    sinceReport = 0;
                    progress(new StreamProgress(stream.Name, roller.Rows, roller.Files.Count + 1, roller.Bytes, total));
                }
            }
        }
        at($"completing part {roller.Files.Count + 1}");
        await roller.CompleteAsync(ct);
        LogParts();
        progress(new StreamProgress(stream.Name, roller.Rows, roller.Files.Count, roller.Bytes, total));

        string? schemaKey = null;
        if (connection.Kind == DeliveryKind.Dump)
        {
            at("writing the schema file");
            schemaKey = PathPrefix.Join(prefix, SchemaFolder.Expand(values) + stream.Name + ".json");
            await PutSmallAsync(s3, connection, schemaKey, BigQuerySchema.For(columns).ToJsonString(), ct);
        }
        logger.LogInformation("Stream {Stream} of run {Run}: {Rows} rows in {Files} files", stream.Name, run.RunId, roller.Rows, roller.Files.Count);
        return new StreamOutcome(stream.Name, roller.Rows, roller.Files, schemaKey, newMark, cursorKind)
        {
            OldMark = oldMark,
            // A backfill's or a redelivery's manifest says which range it read.
            RangeTo = stream.CursorColumn is not null && run.Ranges?.TryGetValue(stream.Name, out var fixedRange) == true ? fixedRange.To : null,
        };
    }

    private static async Task<(string Key, string Json)> WriteReceiptAsync(
        Connection c, DeliveryRequest run, IAmazonS3 s3, string prefix, KeyTemplate template, IReadOnlyList<StreamOutcome> streams, DumpFolders.DumpTarget dump, CancellationToken ct)
    {
        var receiptKey = prefix + ReceiptName;
        var tables = streams.Select(s =>
        {
            var folderKey = template.Expand(new KeyValues(run.LoadTime, null, "", s.Name, c.Id.ToString(), run.ConnectionRunId, "", 0,
                FileFormats.Extension(c.Format, c.Compression)) { DumpName = dump.Name }, prefix);
            return new ReceiptTable(s.Name, Receipt.FolderOf(s.Files.Count > 0 ? s.Files[0].Key : folderKey), s.SchemaKey!, s.Rows,
                s.Files.Select(f => new ReceiptFile(f.Key, f.Bytes, f.Rows, f.Sha256)).ToList());
        });
        // A retry of a dump whose receipt was written already points back to what that receipt pointed to.
        var previous = dump.Previous?.Folder == dump.FolderKey ? null : dump.Previous;
        var receipt = Receipt.Build(run.LoadTime, dump.FolderKey, run.RunId, c.Id.ToString(), tables, previous);
        var json = receipt.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        await PutSmallAsync(s3, c, receiptKey, json, ct);
        return (receiptKey, json);
    }

    private static async Task PutSmallAsync(IAmazonS3 s3, Connection c, string key, string json, CancellationToken ct)
    {
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = c.Bucket, Key = key, ContentBody = json, ContentType = "application/json" }.WithKms(c.KmsKeyArn), ct);
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "The run was cancelled.",
        AmazonS3Exception s3 => "Writing to the bucket failed: " + AwsErrors.Explain(s3, "writing the delivery"),
        TimeoutException t => t.Message,
        _ when AwsErrors.IsTimeout(e) => "The S3 server did not answer: " + e.Message,
        _ => e.Message,
    };
}
