namespace Portal.Infrastructure.Delivery;

using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Receipts;
using Portal.Core.Runs;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Sources;

/// <summary>
/// Writes a run's manifest (<see cref="RunManifest"/>) after every other object of the run: a delivered run's files,
/// schemas and receipt, or, for a run that failed, the status and the error's class and no files.
/// </summary>
public sealed class ManifestWriter(
    ConnectionCredentials credentials, S3ClientFactory clients, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<ManifestWriter> logger)
{
    /// <summary>Writes the manifest of a delivered run; a failure here is the run's failure (its loaders would wait forever).</summary>
    public async Task<string> WriteAsync(Connection connection, ManifestRun run, IEnumerable<ManifestStream> streams, CancellationToken cancellationToken)
    {
        using var s3 = await clients.CreateForAsync(connection, credentials, cancellationToken, options.Value.RequestTimeout, options.Value.MaxErrorRetry);
        var key = RunManifest.Key(connection.Prefix, run.RunId, run.FinishedAt);
        var json = RunManifest.Build(run, streams).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        await s3.PutJsonAsync(connection, key, json, cancellationToken);
        return key;
    }

    /// <summary>
    /// The manifest of a run that ended without delivering, when the bucket can be reached: best effort, within one
    /// request's time; a bucket that cannot be written to gets none (the run's record says why).
    /// </summary>
    public async Task<string?> WriteEndedAsync(Connection connection, long runId, DateTimeOffset startedAt, Exception error, bool cancelled)
    {
        using var timeout = new CancellationTokenSource(options.Value.RequestTimeout);
        try
        {
            var run = new ManifestRun(runId, connection.Id.ToString(), connection.Kind.ToString(), cancelled ? RunManifest.Cancelled : RunManifest.Failed,
                startedAt, clock.GetUtcNow()) { ErrorClass = cancelled ? "Cancelled" : ErrorClass(error) };
            return await WriteAsync(connection, run, [], timeout.Token);
        }
        catch (Exception e) when (e is AmazonS3Exception or OperationCanceledException or HttpRequestException or IOException or InvalidOperationException)
        {
            logger.LogInformation(e, "Run {Run} ended without delivering and its manifest could not be written either", runId);
            return null;
        }
    }

    /// <summary>What kind of error ended a run, in a word a loader can branch on: the S3 error code, or the kind of cause.</summary>
    public static string ErrorClass(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AmazonS3Exception s3 when !string.IsNullOrEmpty(s3.ErrorCode):
                    return s3.ErrorCode;
                case CursorColumnException:
                    return "CursorColumn";
                case TimeoutException:
                    return "Timeout";
                case System.Data.Common.DbException:
                    return "Source";
            }
        }
        var root = error;
        while (root.InnerException is not null && root is DeliveryFailedException or RunStepException) root = root.InnerException;
        var name = root.GetType().Name;
        return name.EndsWith("Exception", StringComparison.Ordinal) && name.Length > "Exception".Length ? name[..^"Exception".Length] : name;
    }

    /// <summary>The streams of a delivered stream export or dump as the manifest lists them.</summary>
    public static IReadOnlyList<ManifestStream> StreamsOf(DeliveryOutcome outcome) =>
        outcome.Streams.Select(s => new ManifestStream(s.Name, s.OldMark, s.RangeTo ?? s.NewMark, s.Rows,
            s.Files.Select(f => new ReceiptFile(f.Key, f.Bytes, f.Rows, f.Sha256)).ToList(), s.SchemaKey) { SchemaChanges = s.SchemaChanges }).ToList();
}
