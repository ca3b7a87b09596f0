namespace Portal.Infrastructure.Buckets;

using Amazon.S3;
using Microsoft.Extensions.Options;
using Portal.Core.Buckets;
using Portal.Core.Connections;
using Portal.Core.Receipts;

/// <summary>
/// Checks a run manifest against the bucket, as Verify checks a receipt: every file it lists must be there with its
/// size (HEAD, a few at a time), and on request its sha256 (streamed). A stream export's files share folders with other
/// runs, so a manifest is checked by its own files, not by listing folders: there is no "extra".
/// </summary>
public sealed class ManifestVerifier(BucketClients clients, IOptions<BucketOptions> options, TimeProvider clock)
{
    public async Task<ReceiptVerification> VerifyAsync(Connection connection, string? key, bool sha256, CancellationToken cancellationToken)
    {
        var full = BucketPaths.Key(connection.Prefix, key) is { } k && RunManifest.IsManifestKey(connection.Prefix, k) ? k : throw BucketBrowser.Outside(key);
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var text = await SmallObjects.ReadTextAsync(s3, connection, full, ReceiptReader.MaxReceiptBytes, cancellationToken);
        var streams = RunManifest.FilesOf(text) ?? throw new BucketException($"{full} cannot be read as a run manifest.");
        var results = new List<TableVerification>();
        foreach (var (stream, files) in streams)
            results.Add(await VerifyStreamAsync(s3, connection, stream, files, sha256, cancellationToken));
        return new ReceiptVerification(full, sha256, clock.GetUtcNow(), results);
    }

    private async Task<TableVerification> VerifyStreamAsync(IAmazonS3 s3, Connection connection, string stream, IReadOnlyList<ReceiptFile> files, bool sha256, CancellationToken ct)
    {
        var missing = new List<string>();
        var modified = new List<FileMismatch>();
        var found = 0;
        var hashed = 0;
        var outside = files.Where(f => BucketPaths.Key(connection.Prefix, f.Key) is null).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(files.Where(f => !outside.Contains(f.Key)), new ParallelOptions { MaxDegreeOfParallelism = options.Value.VerifyParallelism, CancellationToken = ct },
            async (file, token) =>
            {
                long size;
                try
                {
                    size = (await BucketClients.CallAsync(connection, $"reading {file.Key}", () => s3.GetObjectMetadataAsync(connection.Bucket, file.Key, token))).ContentLength;
                }
                catch (KeyNotFoundException)
                {
                    lock (missing) missing.Add(file.Key);
                    return;
                }
                Interlocked.Increment(ref found);
                if (size != file.Bytes)
                {
                    lock (modified) modified.Add(new FileMismatch(file.Key, $"{size:N0} bytes, the manifest says {file.Bytes:N0}"));
                    return;
                }
                if (!sha256 || file.Sha256.Length == 0) return;
                var hash = await SmallObjects.Sha256Async(s3, connection, file.Key, token);
                Interlocked.Increment(ref hashed);
                if (!string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase))
                    lock (modified) modified.Add(new FileMismatch(file.Key, "its sha256 differs from the manifest's"));
            });
        missing.AddRange(outside);
        var status = missing.Count > 0 ? VerificationStatus.Incomplete : modified.Count > 0 ? VerificationStatus.Modified : VerificationStatus.Complete;
        return new TableVerification(stream, Folder(files), status, files.Count, found, Sorted(missing), [], modified.OrderBy(m => m.Key, StringComparer.Ordinal).ToList(), hashed,
            outside.Count > 0 ? "Keys outside the connection's prefix were not read." : null);
    }

    private static IReadOnlyList<string> Sorted(List<string> keys) => keys.Order(StringComparer.Ordinal).Take(TableCheck.MaxListed).ToList();

    private static string Folder(IReadOnlyList<ReceiptFile> files) => files.Count == 0 ? "" : Receipt.FolderOf(files[0].Key);
}
