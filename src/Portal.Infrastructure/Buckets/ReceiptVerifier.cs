namespace Portal.Infrastructure.Buckets;

using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Buckets;
using Portal.Core.Connections;
using Portal.Core.Receipts;

/// <summary>
/// Checks a receipt against the bucket: each table's folder is listed page by page and compared with the
/// receipt's files and <c>total_file_count</c>; on request every file whose size matches is read and its
/// sha256 compared (streamed, a few files at a time, so memory stays flat).
/// </summary>
public sealed class ReceiptVerifier(BucketClients clients, IOptions<BucketOptions> options, TimeProvider clock)
{
    public async Task<ReceiptVerification> VerifyAsync(Connection connection, string? folder, bool sha256, IProgress<VerifyProgress>? progress, CancellationToken cancellationToken)
    {
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var receipt = await ReceiptReader.ReadDocumentAsync(s3, connection, folder, cancellationToken);
        var tables = receipt.Document.Tables;
        var total = tables.Sum(t => (long)(t.TotalFileCount ?? t.Files?.Count ?? 0)) * (sha256 ? 2 : 1);
        long done = 0;
        var results = new List<TableVerification>();
        // Every key the receipt names: a table's own keys are never "claimed elsewhere" (TableCheck looks at its own first).
        var claimed = tables.SelectMany(t => t.Files ?? []).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < tables.Count; i++)
        {
            var table = tables[i];
            void Step(long units) => progress?.Report(new VerifyProgress(table.Name, i, tables.Count, Math.Min(total, Interlocked.Add(ref done, units)), total));
            Step(0);
            results.Add(await VerifyTableAsync(s3, connection, receipt.Folder, table, claimed, sha256, Step, cancellationToken));
        }
        progress?.Report(new VerifyProgress("", tables.Count, tables.Count, total, total));
        return new ReceiptVerification(receipt.Key, sha256, clock.GetUtcNow(), results);
    }

    private async Task<TableVerification> VerifyTableAsync(
        IAmazonS3 s3, Connection connection, string receiptFolder, ReceiptEntry table, IReadOnlySet<string> claimed, bool sha256, Action<long> step, CancellationToken ct)
    {
        // The portal writes full keys; receipts of other tools may name folders relative to the receipt.
        var folder = BucketPaths.Folder(connection.Prefix, table.Folder) is { } full && full.StartsWith(receiptFolder, StringComparison.Ordinal)
            ? full
            : BucketPaths.Folder(connection.Prefix, receiptFolder + table.Folder) ?? BucketPaths.Folder(connection.Prefix, table.Folder);
        if (folder is null) return Unreadable(table, "The folder is outside the connection's prefix: it was not listed.");
        var check = new TableCheck(table, claimed);
        try
        {
            string? token = null;
            do
            {
                var page = await BucketClients.CallAsync(connection, $"listing {folder}", () => s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = connection.Bucket, Prefix = folder, ContinuationToken = token, MaxKeys = BucketBrowser.PageSize,
                }, ct));
                foreach (var o in page.S3Objects ?? []) check.Observe(o.Key, o.Size ?? 0);
                step(page.S3Objects?.Count ?? 0);
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (token is not null);
            await CheckSchemaAsync(s3, connection, receiptFolder, table, check, ct);
            if (sha256) await HashAsync(s3, connection, check, step, ct);
        }
        catch (BucketException e)
        {
            return Unreadable(table, e.Message);
        }
        return check.Result();
    }

    // The schema file the receipt names must be there too (a full key, or one relative to the receipt).
    private static async Task CheckSchemaAsync(IAmazonS3 s3, Connection connection, string receiptFolder, ReceiptEntry table, TableCheck check, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(table.SchemaKey)) return;
        var key = BucketPaths.Key(connection.Prefix, table.SchemaKey) is { } full && full.StartsWith(receiptFolder, StringComparison.Ordinal)
            ? full
            : BucketPaths.Key(connection.Prefix, receiptFolder + table.SchemaKey);
        if (key is null) return;
        try
        {
            await BucketClients.CallAsync(connection, $"reading {key}", () => s3.GetObjectMetadataAsync(connection.Bucket, key, ct));
        }
        catch (KeyNotFoundException)
        {
            check.SchemaMissing(key);
        }
    }

    private async Task HashAsync(IAmazonS3 s3, Connection connection, TableCheck check, Action<long> step, CancellationToken ct)
    {
        var files = check.SameSize.Where(f => f.Sha256.Length > 0).ToList();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = options.Value.VerifyParallelism, CancellationToken = ct }, async (file, token) =>
        {
            var hash = await SmallObjects.Sha256Async(s3, connection, file.Key, token);
            lock (check) check.Hashed(file.Key, hash);
            step(1);
        });
    }

    private static TableVerification Unreadable(ReceiptEntry table, string why) =>
        new(table.Name, table.Folder, VerificationStatus.Unreadable, table.TotalFileCount ?? table.Files?.Count ?? 0, 0, [], [], [], 0, why);
}
