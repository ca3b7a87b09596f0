namespace Portal.Infrastructure.Artifacts;

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Artifacts;
using Portal.Core.Connections;
using Portal.Infrastructure.S3;

/// <summary>
/// Syncs the <c>target/</c> folders of a schedule's dbt commands into the bucket: the archive first,
/// then <c>current/</c> (unchanged files, by size and MD5, are not uploaded again; files left from an
/// older run are deleted), and last the pointer <c>current.json</c>. A reader that follows the pointer
/// never sees a mix of two runs: until the pointer moves it names the previous archive folder, which
/// is never changed.
/// </summary>
public sealed class ArtifactSyncer
{
    private const string Md5Metadata = "x-amz-meta-portal-md5";

    public async Task<ArtifactSyncResult> SyncAsync(
        IAmazonS3 s3, Connection connection, string schedule, IReadOnlyList<ArtifactCommandSpec> commands,
        long runId, DateTimeOffset runTime, CancellationToken ct, Action<Delivery.StreamProgress>? progress = null)
    {
        var files = commands.Select(c => (Command: c, Files: TargetFiles(c))).ToList();
        var summaries = files.ToDictionary(f => f.Command.Id, f => Summary(f.Command));
        var archive = ArtifactLayout.ArchiveFolder(connection.Prefix, schedule, runId, runTime);
        var current = ArtifactLayout.CurrentFolder(connection.Prefix, schedule);

        // Each command's file count is known before the first upload: its progress bar fills by files archived.
        foreach (var (command, list) in files) progress?.Invoke(new Delivery.StreamProgress(ArtifactLayout.CommandName(command.Id, command.Command), 0, 0, 0, list.Count));
        var archived = new Dictionary<long, List<Portal.Core.Parts.PartFile>>();
        foreach (var (command, list) in files)
        {
            var (done, bytes, name) = (0, 0L, ArtifactLayout.CommandName(command.Id, command.Command));
            var written = archived[command.Id] = [];
            foreach (var (path, relative) in list)
            {
                var key = ArtifactLayout.FileKey(archive, command.Id, command.Command, relative);
                var (length, sha256) = await PutFileAsync(s3, connection, key, path, md5: null, ct, runId);
                written.Add(new Portal.Core.Parts.PartFile(key, length, 0, sha256!));
                bytes += length;
                progress?.Invoke(new Delivery.StreamProgress(name, 0, ++done, bytes, list.Count));
            }
        }

        var existing = await ListAsync(s3, connection.Bucket, current, ct);
        var results = new List<ArtifactCommandResult>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (command, list) in files)
        {
            var uploaded = 0;
            long bytes = 0;
            foreach (var (path, relative) in list)
            {
                var key = ArtifactLayout.FileKey(current, command.Id, command.Command, relative);
                wanted.Add(key);
                var length = new FileInfo(path).Length;
                bytes += length;
                var md5 = await Md5Async(path, ct);
                if (existing.TryGetValue(key, out var old) && old.Size == length && await SameContentAsync(s3, connection.Bucket, key, old.ETag, md5, ct)) continue;
                await PutFileAsync(s3, connection, key, path, md5, ct);
                uploaded++;
            }
            results.Add(new ArtifactCommandResult(command.Id, command.Command, list.Count, bytes, uploaded, summaries[command.Id]) { Archived = archived[command.Id] });
        }
        var stale = existing.Keys.Where(k => !wanted.Contains(k)).ToList();
        foreach (var chunk in stale.Chunk(1000))
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = connection.Bucket, Objects = chunk.Select(k => new KeyVersion { Key = k }).ToList() }, ct);

        var pointer = ArtifactLayout.PointerKey(connection.Prefix, schedule);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = connection.Bucket, Key = pointer, ContentType = "application/json",
            ContentBody = Pointer(archive, runId, runTime, results).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }),
        }.WithKms(connection.KmsKeyArn), ct);
        return new ArtifactSyncResult(archive, results, stale.Count, pointer);
    }

    /// <summary>The files of a command's <c>target/</c>; a missing folder or run_results.json fails naming the folder.</summary>
    private static List<(string Path, string Relative)> TargetFiles(ArtifactCommandSpec command)
    {
        var target = Path.Combine(command.Folder, "target");
        if (!Directory.Exists(target))
            throw new DirectoryNotFoundException($"The folder {command.Folder} of '{command.Command}' (command {command.Id}) has no target/ folder: did dbt run there?");
        return Directory.EnumerateFiles(target, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(p => (p, Path.GetRelativePath(target, p).Replace('\\', '/')))
            .OrderBy(f => f.Item2, StringComparer.Ordinal)
            .ToList();
    }

    private static RunResultsSummary Summary(ArtifactCommandSpec command)
    {
        var file = Path.Combine(command.Folder, "target", "run_results.json");
        try
        {
            return RunResultsSummary.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new InvalidDataException($"The run_results.json in {Path.Combine(command.Folder, "target")} cannot be read: {e.Message}", e);
        }
    }

    private static JsonObject Pointer(string archive, long runId, DateTimeOffset runTime, IEnumerable<ArtifactCommandResult> commands) => new()
    {
        ["archive"] = archive,
        ["run_id"] = runId,
        ["time"] = runTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["commands"] = new JsonArray(commands.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["command"] = c.Command,
            ["folder"] = ArtifactLayout.CommandFolder(c.Id, c.Command),
            ["file_count"] = c.Files,
            ["bytes"] = c.Bytes,
            ["run_results"] = new JsonObject
            {
                ["elapsed_time"] = c.Results.ElapsedSeconds,
                ["success"] = c.Results.Success,
                ["error"] = c.Results.Error,
                ["skipped"] = c.Results.Skipped,
                ["warn"] = c.Results.Warn,
            },
        }).ToArray()),
    };

    // Files go up byte for byte, streamed from disk; PutObject takes up to 5 GB, more than any target/ file. An archived
    // file carries the run and its SHA-256 (as every data object does) and the manifest lists it; its size and hash are those sent.
    private static async Task<(long Bytes, string? Sha256)> PutFileAsync(IAmazonS3 s3, Connection c, string key, string path, string? md5, CancellationToken ct, long? runId = null)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        // Only an archived file (with its run) is hashed: current/ is compared by MD5 and is not in the manifest.
        var sha256 = runId is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        var length = file.Length;
        file.Position = 0;
        var request = new PutObjectRequest
        {
            BucketName = c.Bucket, Key = key, InputStream = file, AutoCloseStream = false,
            ContentType = ContentTypes.For(path),
        };
        if (md5 is not null) request.Metadata[Md5Metadata] = md5;
        if (runId is { } run && sha256 is not null)
        {
            request.Metadata[Delivery.S3ObjectUpload.RunIdMetadata] = run.ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Metadata[Delivery.S3ObjectUpload.Sha256Metadata] = sha256;
        }
        await s3.PutObjectAsync(request.WithKms(c.KmsKeyArn), ct);
        return (length, sha256);
    }

    // The ETag of a plain upload is the MD5; with SSE-KMS it is not, so the MD5 is also kept in metadata.
    private static async Task<bool> SameContentAsync(IAmazonS3 s3, string bucket, string key, string? etag, string md5, CancellationToken ct)
    {
        if (string.Equals(etag?.Trim('"'), md5, StringComparison.OrdinalIgnoreCase)) return true;
        var head = await s3.GetObjectMetadataAsync(bucket, key, ct);
        return string.Equals(head.Metadata[Md5Metadata], md5, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> Md5Async(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
#pragma warning disable CA5351 // MD5 is what S3 ETags are made of; it compares content, it protects nothing.
        return Convert.ToHexStringLower(await MD5.HashDataAsync(file, ct));
#pragma warning restore CA5351
    }

    private static async Task<Dictionary<string, (long Size, string? ETag)>> ListAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken ct)
    {
        var all = new Dictionary<string, (long, string?)>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, ct);
            foreach (var o in page.S3Objects ?? []) all[o.Key] = (o.Size ?? 0, o.ETag);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return all;
    }
}
