namespace Portal.IntegrationTests.Artifacts;

using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Portal.Core.Connections;
using Portal.Infrastructure.Artifacts;
using Portal.Tests.Shared;

/// <summary>dbt target/ folders synced into Ceph in the Bolt layout.</summary>
[Collection(CephCollection.Name)]
public sealed class ArtifactSyncerTests(CephServer ceph) : IDisposable
{
    private static readonly DateTimeOffset FirstRun = new(2022, 9, 18, 0, 2, 25, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portal-artifacts-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private ArtifactCommandSpec Command(long id, string command)
    {
        var folder = Path.Combine(_root, $"{id}");
        CopyDirectory(Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target"), Path.Combine(folder, "target"));
        return new ArtifactCommandSpec(id, command, folder);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    private static Dictionary<string, string> LocalHashes(ArtifactCommandSpec command) =>
        Directory.EnumerateFiles(Path.Combine(command.Folder, "target"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(Path.Combine(command.Folder, "target"), f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    private static async Task<Dictionary<string, string>> RemoteHashes(IAmazonS3 s3, string bucket, string folder)
    {
        var result = new Dictionary<string, string>();
        var listing = await s3.ListObjectsV2Async(new() { BucketName = bucket, Prefix = folder });
        foreach (var o in listing.S3Objects ?? [])
        {
            using var body = await s3.GetObjectAsync(bucket, o.Key);
            using var buffer = new MemoryStream();
            await body.ResponseStream.CopyToAsync(buffer);
            result[o.Key[folder.Length..]] = Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
        }
        return result;
    }

    [Fact]
    public async Task Two_commands_are_archived_and_current_both_byte_identical_and_the_pointer_is_written_last()
    {
        var bucket = await ceph.CreateBucketAsync("bolt");
        using var s3 = ceph.CreateClient();
        var connection = new Connection { Name = "a", Bucket = bucket, Region = "default", Prefix = "acme/", ExternalId = "x" };
        var seed = Command(47531, "dbt seed");
        var run = Command(47532, "dbt run");

        var progress = new List<Portal.Infrastructure.Delivery.StreamProgress>();
        var result = await new ArtifactSyncer().SyncAsync(s3, connection, "daily_general", [seed, run], 58602, FirstRun, default, progress.Add);

        Assert.Equal("acme/bolt/run/daily_general/2022/09/18/58602_1663459345.000000/", result.ArchiveFolder);
        // Each command's bar knew its file count from the start and filled to it.
        foreach (var (command, name) in new[] { (seed, "47531_dbt_seed"), (run, "47532_dbt_run") })
        {
            var mine = progress.Where(p => p.Name == name).ToList();
            Assert.All(mine, p => Assert.Equal(LocalHashes(command).Count, p.Total));
            Assert.Equal((0, LocalHashes(command).Count), (mine[0].Parts, mine[^1].Parts));
        }
        foreach (var command in new[] { seed, run })
        {
            var local = LocalHashes(command);
            var folder = $"{command.Id}_{command.Command.Replace(' ', '_')}/target/";
            Assert.Equal(local.OrderBy(k => k.Key), (await RemoteHashes(s3, bucket, result.ArchiveFolder + folder)).OrderBy(k => k.Key));
            Assert.Equal(local.OrderBy(k => k.Key), (await RemoteHashes(s3, bucket, "acme/bolt/run/daily_general/current/" + folder)).OrderBy(k => k.Key));
        }
        using var pointer = JsonDocument.Parse(await (await s3.GetObjectAsync(bucket, result.PointerKey)).ResponseStream.ReadAllTextAsync());
        Assert.Equal(result.ArchiveFolder, pointer.RootElement.GetProperty("archive").GetString());
        var commands = pointer.RootElement.GetProperty("commands").EnumerateArray().ToList();
        Assert.Equal(LocalHashes(seed).Count, commands[0].GetProperty("file_count").GetInt32());
        Assert.Equal(4, commands[1].GetProperty("run_results").GetProperty("success").GetInt32());
        Assert.Equal("47532_dbt_run/", commands[1].GetProperty("folder").GetString());
    }

    [Fact]
    public async Task A_second_run_makes_current_equal_the_new_folder_leaves_the_first_archive_and_moves_the_pointer()
    {
        var bucket = await ceph.CreateBucketAsync("bolt");
        using var s3 = ceph.CreateClient();
        var connection = new Connection { Name = "a", Bucket = bucket, Region = "default", Prefix = "", ExternalId = "x" };
        var seed = Command(47531, "dbt seed");
        var run = Command(47532, "dbt run");
        var syncer = new ArtifactSyncer();
        var first = await syncer.SyncAsync(s3, connection, "daily_general", [seed, run], 1, FirstRun, default);
        var firstArchive = await RemoteHashes(s3, bucket, first.ArchiveFolder);

        var target = Path.Combine(run.Folder, "target");
        File.Delete(Path.Combine(target, "graph.gpickle"));
        await File.AppendAllTextAsync(Path.Combine(target, "run_results.json"), " ");
        await File.WriteAllTextAsync(Path.Combine(target, "sources.json"), "{\"added\": true}");
        var second = await syncer.SyncAsync(s3, connection, "daily_general", [seed, run], 2, FirstRun.AddDays(1), default);

        Assert.Equal(LocalHashes(run).OrderBy(k => k.Key), (await RemoteHashes(s3, bucket, "bolt/run/daily_general/current/47532_dbt_run/target/")).OrderBy(k => k.Key));
        Assert.Equal(firstArchive.OrderBy(k => k.Key), (await RemoteHashes(s3, bucket, first.ArchiveFolder)).OrderBy(k => k.Key));
        Assert.Equal(1, second.Deleted);
        Assert.Equal(0, second.Commands[0].Uploaded); // dbt seed did not change: nothing re-uploaded
        Assert.Equal(2, second.Commands[1].Uploaded); // the changed and the added file
        using var pointer = JsonDocument.Parse(await (await s3.GetObjectAsync(bucket, second.PointerKey)).ResponseStream.ReadAllTextAsync());
        Assert.Equal(second.ArchiveFolder, pointer.RootElement.GetProperty("archive").GetString());
    }

    [Fact]
    public async Task A_sync_stopped_half_way_leaves_the_pointer_on_the_last_complete_run()
    {
        var bucket = await ceph.CreateBucketAsync("bolt");
        using var s3 = ceph.CreateClient();
        var connection = new Connection { Name = "a", Bucket = bucket, Region = "default", Prefix = "", ExternalId = "x" };
        var run = Command(47532, "dbt run");
        var syncer = new ArtifactSyncer();
        var first = await syncer.SyncAsync(s3, connection, "daily_general", [run], 1, FirstRun, default);
        for (var i = 0; i < 300; i++) await File.WriteAllTextAsync(Path.Combine(run.Folder, "target", $"extra_{i}.json"), "{}");

        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => syncer.SyncAsync(s3, connection, "daily_general", [run], 2, FirstRun.AddDays(1), stop.Token));

        using var pointer = JsonDocument.Parse(await (await s3.GetObjectAsync(bucket, first.PointerKey)).ResponseStream.ReadAllTextAsync());
        Assert.Equal(first.ArchiveFolder, pointer.RootElement.GetProperty("archive").GetString());
    }

    [Fact]
    public async Task A_folder_without_target_or_with_unreadable_run_results_fails_naming_the_folder()
    {
        var bucket = await ceph.CreateBucketAsync("bolt");
        using var s3 = ceph.CreateClient();
        var connection = new Connection { Name = "a", Bucket = bucket, Region = "default", ExternalId = "x" };
        var empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);
        var broken = Command(5, "dbt test");
        await File.WriteAllTextAsync(Path.Combine(broken.Folder, "target", "run_results.json"), "{not json");

        var missing = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => new ArtifactSyncer().SyncAsync(s3, connection, "s", [new ArtifactCommandSpec(1, "dbt run", empty)], 1, FirstRun, default));
        var unreadable = await Assert.ThrowsAsync<InvalidDataException>(() => new ArtifactSyncer().SyncAsync(s3, connection, "s", [broken], 1, FirstRun, default));

        Assert.Contains(empty, missing.Message, StringComparison.Ordinal);
        Assert.Contains(broken.Folder, unreadable.Message, StringComparison.Ordinal);
        Assert.Empty((await s3.ListObjectsV2Async(new() { BucketName = bucket })).S3Objects ?? []);
    }
}

internal static class StreamText
{
    public static async Task<string> ReadAllTextAsync(this Stream stream)
    {
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
