namespace Portal.Infrastructure.Delivery;

using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Core.Parts;
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
    /// <summary>The longest cursor value a stream can keep as its mark.</summary>
    public const int MaxMarkLength = 200;

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
            log(new RunNote("DumpFolder", null, run.Resume
                ? $"Run {run.RunId} resumes the dump in {dump.FolderKey}/: tables complete there are kept, the others written again."
                : dump.Reused
                    ? $"Attempt {run.RunId} writes the folder {dump.FolderKey}/ of the attempt it retries again."
                    : $"The dump goes to {dump.FolderKey}/."));
        }
        var included = connection.Streams.OrderBy(s => s.Position).Where(s => run.Includes(s.Name)).ToList();
        IReadOnlyDictionary<string, SchemaCheck.StreamColumns>? schemas = null;
        if (connection.Kind == DeliveryKind.StreamExport)
        {
            try
            {
                schemas = await SchemaCheck.RunAsync(connection, source, included, sources, log, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var root = e is RunStepException { InnerException: { } inner } ? inner : e;
                throw new DeliveryFailedException(Describe(root), root, [])
                {
                    Step = RunStepException.StepOf(e), SchemaChanges = (root as SchemaChangedException)?.Changes ?? new Dictionary<string, IReadOnlyList<Core.Formats.SchemaChange>>(),
                };
            }
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
        var scope = new RunScope(connection, source, run, s3, template, prefix, extension, dump?.Name, rollers, Report, log, watchdog);
        Exception? failed = null;
        try
        {
            await Parallel.ForEachAsync(included,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.StreamParallelism), CancellationToken = watchdog.Token },
                async (stream, ct) =>
                {
                    if (Volatile.Read(ref failed) is not null) return;
                    try
                    {
                        log(new RunNote(RunNote.StreamStarted, stream.Name, $"Reading {stream.Table}."));
                        var outcome = await DeliverStreamAsync(scope, stream, schemas?[stream.Name], ct);
                        outcomes[stream.Name] = outcome;
                        log(new RunNote(outcome.Kept ? RunNote.TableKept : RunNote.StreamFinished, stream.Name, outcome.Kept
                            ? $"Complete in the folder already: {outcome.Rows:N0} rows in {outcome.Files.Count} files, kept as they are."
                            : $"{outcome.Rows:N0} rows in {outcome.Files.Count} files, {outcome.Bytes:N0} bytes."));
                    }
                    catch (Exception e) when (connection.Kind == DeliveryKind.Dump && !ct.IsCancellationRequested)
                    {
                        // A dump's other tables in flight finish (a resume keeps them); no table starts after a failure.
                        Interlocked.CompareExchange(ref failed, e, null);
                    }
                });
            if (failed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
        catch (Exception e)
        {
            var pending = new List<(string, string)>();
            foreach (var roller in rollers)
            {
                if (await roller.AbortAsync(options.Value.RequestTimeout * 2) is { UploadId: { } uploadId } left) pending.Add((left.Key, uploadId));
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

        var ordered = included.Select(s => outcomes[s.Name]).ToList();
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
                (receiptKey, receiptJson) = await DumpFolders.WriteReceiptAsync(connection, run, s3, prefix, template, ordered, dump, cancellationToken);
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

    /// <summary>What every stream of one run shares.</summary>
    private sealed record RunScope(
        Connection Connection, Source Source, DeliveryRequest Run, IAmazonS3 S3, KeyTemplate Template, string Prefix, string Extension, string? DumpName,
        ConcurrentBag<PartRoller> Rollers, Action<StreamProgress> Progress, Action<RunNote> Log, StallWatchdog Watchdog);

    private async Task<StreamOutcome> DeliverStreamAsync(RunScope scope, ConnectionStream stream, SchemaCheck.StreamColumns? known, CancellationToken ct)
    {
        var step = "opening the source";
        using var span = Telemetry.PortalTracing.Source.StartActivity("stream " + stream.Name);
        span?.SetTag("portal.stream", stream.Name);
        try
        {
            var outcome = await DeliverStreamAsync(scope, stream, known, s => step = s, ct);
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

    private async Task<StreamOutcome> DeliverStreamAsync(RunScope scope, ConnectionStream stream, SchemaCheck.StreamColumns? known, Action<string> at, CancellationToken ct)
    {
        var (connection, run, s3, prefix) = (scope.Connection, scope.Run, scope.S3, scope.Prefix);
        var isDump = connection.Kind == DeliveryKind.Dump;
        var values = DumpLayout.ValuesOf(connection, stream, run.LoadTime, run.ConnectionRunId, scope.DumpName);
        var dumpSchemaKey = isDump ? DumpLayout.SchemaKey(prefix, values) : null;
        string KeyOf(int part) => scope.Template.Expand(values with { Part = part }, prefix);
        if (isDump && run.Resume)
        {
            at("checking the table's files in the dump's folder");
            if (await DumpResume.CompleteFilesAsync(s3, connection.Bucket, dumpSchemaKey!, KeyOf, ct) is { } complete)
            {
                var rows = complete.Sum(f => f.Rows);
                scope.Progress(new StreamProgress(stream.Name, rows, complete.Count, complete.Sum(f => f.Bytes), rows));
                return new StreamOutcome(stream.Name, rows, complete, dumpSchemaKey, null) { Kept = true };
            }
        }

        await using var reader = sources.Open(scope.Source);
        at($"reading the columns of {stream.Table}");
        var columns = known?.Columns ?? await reader.ColumnsAsync(stream.Table, ct);
        var reading = await StreamRanges.ResolveAsync(reader, connection, stream, run, at, ct);
        values = values with { Cursor = reading.KeyCursor };
        at($"counting the rows of {stream.Table}");
        long? total = null;
        try
        {
            total = reading.Read ? await reader.EstimateRowsAsync(stream.Table, reading.Range, ct) : 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only the progress bar needs it.
            logger.LogDebug(e, "Could not count the rows of {Table}", stream.Table);
        }
        scope.Progress(new StreamProgress(stream.Name, 0, 0, 0, total));

        var roller = new PartRoller(
            S3ObjectUpload.Starter(s3, connection.Bucket, connection.KmsKeyArn, KeyOf,
                connection.Format, connection.Compression, connection.MaxPartBytes, run.RunId),
            columns, connection.Format, connection.Compression, connection.MaxPartBytes, FileFormats.LevelOf(connection.CompressionLevel));
        scope.Rollers.Add(roller);
        var logged = 0;
        void LogParts()
        {
            for (; logged < roller.Files.Count; logged++)
            {
                var f = roller.Files[logged];
                scope.Log(new RunNote(RunNote.PartUploaded, stream.Name, $"Part {logged + 1}: {f.Key} ({f.Rows:N0} rows, {f.Bytes:N0} bytes)."));
            }
            at($"reading rows and uploading part {roller.Files.Count + 1}");
        }

        LogParts();
        if (reading.Read)
        {
            var reported = 0L;
            await foreach (var batch in reader.ReadAsync(stream.Table, columns, reading.Range, ct))
            {
                await roller.WriteAsync(batch, ct);
                if (roller.Files.Count != logged) LogParts();
                scope.Watchdog.Alive();
                if (roller.Rows - reported >= 10_000)
                {
                    reported = roller.Rows;
                    scope.Progress(new StreamProgress(stream.Name, roller.Rows, roller.Files.Count + 1, roller.Bytes, total));
                }
            }
        }
        at($"completing part {roller.Files.Count + 1}");
        await roller.CompleteAsync(ct);
        LogParts();
        scope.Progress(new StreamProgress(stream.Name, roller.Rows, roller.Files.Count, roller.Bytes, total));

        // A stream export's schema file, after its data files: when its columns changed, or at the first run that delivers rows
        // (a run that finds no rows and no change writes nothing).
        var schemaKey = isDump ? dumpSchemaKey : stream.SchemaKey;
        var writeSchema = known is { WriteFile: true } && (stream.SchemaKey is not null || roller.Rows > 0);
        if (writeSchema)
        {
            at("writing the schema file");
            schemaKey = StreamSchema.Key(connection.Prefix, stream.Name, run.RunId);
            await s3.PutJsonAsync(connection, schemaKey, BigQuerySchema.For(columns).ToJsonString(), ct);
            scope.Log(new RunNote("SchemaWritten", stream.Name, stream.SchemaKey is not null
                ? $"{schemaKey} describes the stream's new columns." : $"{schemaKey} describes the stream's columns (its first schema file)."));
        }
        if (isDump)
        {
            // Written after the table's last part, with its parts and rows: a resume trusts a table that has it.
            at("writing the schema file");
            await s3.PutJsonAsync(connection, dumpSchemaKey!, BigQuerySchema.For(columns).ToJsonString(), ct, DumpResume.SchemaMetadata(run.RunId, roller.Files));
        }
        logger.LogInformation("Stream {Stream} of run {Run}: {Rows} rows in {Files} files", stream.Name, run.RunId, roller.Rows, roller.Files.Count);
        return new StreamOutcome(stream.Name, roller.Rows, roller.Files, schemaKey, reading.NewMark, reading.Kind)
        {
            OldMark = reading.OldMark,
            RangeTo = reading.RangeTo,
            SchemaWritten = isDump || writeSchema,
            // Kept as the schema delivered only once a file describes it.
            SchemaJson = known is null || (known.WriteFile && !writeSchema) ? null : StreamSchema.Serialize(columns),
            SchemaChanges = known?.Changes ?? [],
        };
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
