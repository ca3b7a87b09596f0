namespace Portal.Infrastructure.Delivery;

using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Connections;
using Portal.Core.KeyTemplates;
using Portal.Core.Formats;
using Portal.Core.Receipts;
using Portal.Infrastructure.S3;

/// <summary>
/// Where a dump writes: the folder it picks (one no other dump uses), the receipt before it, and the stale
/// leftovers a retried attempt removes from its own folder. Kept apart from the row path of <see cref="DeliveryRunner"/>.
/// </summary>
internal static class DumpFolders
{
    /// <summary>A dump's folder: its name (what <c>{dump_time}</c> expands to), full key, the receipt before it, and whether an earlier attempt of it chose it.</summary>
    internal sealed record DumpTarget(string Name, string FolderKey, PreviousDump? Previous, bool Reused);

    /// <summary>
    /// Reads the previous receipt and picks the dump's folder: the one an earlier attempt of the same dump chose, or
    /// else the first name (minute, then seconds, then suffixes) whose folders hold nothing and that the previous
    /// receipt does not name, so a dump never writes into, deletes from or mixes with another dump's folder.
    /// </summary>
    public static async Task<DumpTarget> PrepareAsync(Connection c, DeliveryRequest run, IAmazonS3 s3, string prefix, KeyTemplate template, string extension, CancellationToken ct)
    {
        if (!template.Uses.Contains(MacroKind.DumpTime)) // refused at save too; a template saved before that rule fails here
            throw new InvalidOperationException("The dump's key template has no {dump_time}: every dump would overwrite the last. Add {dump_time} to the template.");
        PreviousDump? previous = null;
        try
        {
            using var old = await s3.GetObjectAsync(c.Bucket, DumpLayout.ReceiptKey(prefix), ct);
            using var text = new StreamReader(old.ResponseStream);
            previous = Receipt.PreviousOf(await text.ReadToEndAsync(ct));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            // The first dump: nothing to point back to.
        }
        if (run.DumpFolder is { } again) return new DumpTarget(again, DumpFolderKey(prefix, run, again), previous, Reused: true);

        foreach (var name in DumpLayout.FolderNames(run.LoadTime))
        {
            var folderKey = DumpFolderKey(prefix, run, name);
            if (run.FoldersTaken?.Contains(name) == true) continue;
            if (previous?.Folder is { } used && (used == folderKey || used.StartsWith(folderKey + "/", StringComparison.Ordinal))) continue;
            // The dump folder and, for templates that put {dump_time} further down, each table's folder.
            var folders = new List<string> { folderKey + "/" };
            foreach (var stream in c.Streams)
            {
                var key = template.Expand(new KeyValues(run.LoadTime, null, stream.Id.ToString(), stream.Name, c.Id.ToString(), run.ConnectionRunId, "", 1, extension) { DumpName = name }, prefix);
                var folder = Receipt.FolderOf(key) + "/";
                if (!folder.StartsWith(folderKey + "/", StringComparison.Ordinal)) folders.Add(folder);
            }
            var taken = false;
            foreach (var folder in folders.Distinct())
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = c.Bucket, Prefix = folder, MaxKeys = 1 }, ct);
                if (page.S3Objects is { Count: > 0 }) { taken = true; break; }
            }
            if (taken) continue;
            if (run.FolderChosen is { } record) await record(name, ct);
            return new DumpTarget(name, folderKey, previous, Reused: false);
        }
        throw new InvalidOperationException(
            $"Every folder name for a dump at {run.LoadTime.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC is taken ({DumpLayout.MaxCandidates} tried): dumps run too often for the layout.");
    }

    private static string DumpFolderKey(string prefix, DeliveryRequest run, string name) => DumpLayout.FolderKey(prefix, run.LoadTime, name);

    /// <summary>Deletes what an interrupted attempt of the same dump left in its folder and this attempt did not write again.</summary>
    public static async Task<int> RemoveStaleAsync(Connection c, IAmazonS3 s3, DumpTarget dump, IReadOnlyList<StreamOutcome> streams, CancellationToken ct)
    {
        if (dump.Previous?.Folder == dump.FolderKey) return 0; // never another dump's folder (a receipt names it)
        var written = new HashSet<string>(streams.SelectMany(s => s.Files.Select(f => f.Key)).Concat(streams.Select(s => s.SchemaKey).OfType<string>()), StringComparer.Ordinal);
        var stale = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = c.Bucket, Prefix = dump.FolderKey + "/", ContinuationToken = token }, ct);
            stale.AddRange((page.S3Objects ?? []).Select(o => o.Key).Where(k => !written.Contains(k)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        foreach (var batch in stale.Chunk(1000))
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = c.Bucket, Objects = batch.Select(k => new KeyVersion { Key = k }).ToList() }, ct);
        return stale.Count;
    }

    /// <summary>Writes <c>receipt.json</c>, last: every table's folder, files and counts, and the dump before it.</summary>
    public static async Task<(string Key, string Json)> WriteReceiptAsync(
        Connection c, DeliveryRequest run, IAmazonS3 s3, string prefix, KeyTemplate template, IReadOnlyList<StreamOutcome> streams, DumpFolders.DumpTarget dump, CancellationToken ct)
    {
        var receiptKey = DumpLayout.ReceiptKey(prefix);
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
        await s3.PutJsonAsync(c, receiptKey, json, ct);
        return (receiptKey, json);
    }
}
