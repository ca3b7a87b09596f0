namespace Portal.IntegrationTests.Delivery;

using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Infrastructure.Buckets;
using Portal.Infrastructure.Delivery;
using Portal.Tests.Shared;

/// <summary>Every dump gets a folder of its own, however close together they run: the data-platform layout on real Ceph.</summary>
[Collection(CephCollection.Name)]
public sealed class DumpFolderTests(CephServer ceph)
{
    [Fact]
    public async Task Dumps_within_one_minute_get_folders_of_their_own_each_complete_and_the_first_intact()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("folders"));
        var db = Path.Combine(dump.App.DataDirectory, "sources", "chinook.sqlite");
        BigTables.Create(db, 3_000, "events");
        dump.Connection.Streams = [new ConnectionStream { Name = "events", Table = "events" }];
        var minute = new DateTimeOffset(2025, 6, 1, 10, 15, 0, TimeSpan.Zero);

        var first = await dump.RunAsync(1, minute.AddSeconds(5));
        var firstFiles = await dump.ListAsync("portal/2025-06-01T10:15/");
        var firstBytes = await Task.WhenAll(firstFiles.Keys.Order().Select(dump.GetAsync));
        // The table changes between the two dumps: rows deleted must not survive into the second.
        BigTables.Execute(db, "DELETE FROM events WHERE id > 1000");
        var second = await dump.RunAsync(2, minute.AddSeconds(40));
        var third = await dump.RunAsync(3, minute.AddSeconds(40));

        Assert.StartsWith("portal/2025-06-01T10:15/events/", first.Streams[0].Files[0].Key, StringComparison.Ordinal);
        Assert.StartsWith("portal/2025-06-01T10:15:40/events/", second.Streams[0].Files[0].Key, StringComparison.Ordinal);
        Assert.StartsWith("portal/2025-06-01T10:15:40-02/events/", third.Streams[0].Files[0].Key, StringComparison.Ordinal);
        // The first dump's folder holds exactly what it held, byte for byte.
        var after = await dump.ListAsync("portal/2025-06-01T10:15/");
        Assert.Equal(firstFiles.Keys.Order(), after.Keys.Order());
        Assert.Equal(firstBytes, await Task.WhenAll(after.Keys.Order().Select(dump.GetAsync)));
        Assert.Equal(1_000, second.Streams[0].Rows);
        // The receipt names the last dump's folder and the one before it, and verifies complete.
        var receipt = System.Text.Json.JsonDocument.Parse(await dump.TextAsync("portal/receipt.json")).RootElement;
        Assert.Equal("portal/2025-06-01T10:15:40-02", receipt.GetProperty("folder").GetString());
        Assert.Equal("portal/2025-06-01T10:15:40", receipt.GetProperty("previous").GetProperty("folder").GetString());
        using var scope = dump.App.Services.CreateScope();
        var verify = await scope.ServiceProvider.GetRequiredService<ReceiptVerifier>().VerifyAsync(dump.Connection, "portal/", sha256: true, null, default);
        Assert.True(verify.Complete, string.Join("; ", verify.Tables.Select(t => $"{t.Name}: {t.Status}")));
    }

    [Fact]
    public async Task A_retried_dump_writes_the_folder_its_first_attempt_chose_and_removes_what_that_attempt_left()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("retry"));
        var db = Path.Combine(dump.App.DataDirectory, "sources", "chinook.sqlite");
        BigTables.Create(db, 2_000, "events");
        dump.Connection.Streams = [new ConnectionStream { Name = "events", Table = "events" }];
        dump.Connection.MaxPartBytes = 64 * 1024;
        var load = new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);
        string? chosen = null;
        var first = await dump.RunAsync(1, load, request: new DeliveryRequest(1, Guid.NewGuid().ToString(), load)
        {
            FolderChosen = (folder, _) => { chosen = folder; return Task.CompletedTask; },
        });
        Assert.Equal("2025-06-02T08:00", chosen);
        // As if the first attempt died before its receipt: the receipt goes, a stray part of it stays.
        using (var s3 = ceph.CreateClient())
        {
            await s3.DeleteObjectAsync(dump.Bucket, "portal/receipt.json");
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = dump.Bucket, Key = "portal/2025-06-02T08:00/events/events_000000000099.ndjson.gz", ContentBody = "stale" });
        }
        BigTables.Execute(db, "DELETE FROM events WHERE id > 500");

        var retry = await dump.RunAsync(2, load.AddMinutes(5), request: new DeliveryRequest(2, Guid.NewGuid().ToString(), load.AddMinutes(5)) { DumpFolder = chosen });

        var keys = (await dump.ListAsync("portal/")).Keys.ToList();
        Assert.All(keys.Where(k => k != "portal/receipt.json"), k => Assert.StartsWith("portal/2025-06-02T08:00/", k, StringComparison.Ordinal));
        Assert.DoesNotContain("portal/2025-06-02T08:00/events/events_000000000099.ndjson.gz", keys);
        Assert.True(first.Streams[0].Files.Count > retry.Streams[0].Files.Count);
        Assert.Equal(retry.Streams[0].Files.Count + 2, keys.Count); // its parts, its schema and the receipt
        using var scope = dump.App.Services.CreateScope();
        var verify = await scope.ServiceProvider.GetRequiredService<ReceiptVerifier>().VerifyAsync(dump.Connection, "portal/", sha256: true, null, default);
        Assert.True(verify.Complete, string.Join("; ", verify.Tables.Select(t => $"{t.Name}: {t.Status}")));
    }

    [Fact]
    public async Task A_folder_another_run_chose_is_never_taken_even_while_it_is_still_empty()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("taken"));
        dump.Connection.Streams = [new ConnectionStream { Name = "artists", Table = "Artist" }];
        var load = new DateTimeOffset(2025, 6, 3, 9, 0, 12, TimeSpan.Zero);

        var outcome = await dump.RunAsync(5, load, request: new DeliveryRequest(5, Guid.NewGuid().ToString(), load)
        {
            FoldersTaken = new HashSet<string>(StringComparer.Ordinal) { "2025-06-03T09:00" },
        });

        Assert.StartsWith("portal/2025-06-03T09:00:12/artists/", outcome.Streams[0].Files[0].Key, StringComparison.Ordinal);
    }
}
