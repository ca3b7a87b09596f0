namespace Portal.IntegrationTests.Buckets;

using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Receipts;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Buckets;
using Portal.IntegrationTests.Delivery;
using Portal.Tests.Shared;

/// <summary>A real Chinook dump's receipt verified against the bucket, before and after the bucket is tampered with.</summary>
[Collection(CephCollection.Name)]
public sealed class ReceiptVerifyTests(CephServer ceph)
{
    private static readonly DateTimeOffset Load = new(2025, 4, 15, 11, 23, 45, TimeSpan.Zero);

    private static async Task<ReceiptVerification> VerifyAsync(DumpHarness dump, bool sha256, List<VerifyProgress>? progress = null)
    {
        await using var scope = dump.App.Services.CreateSystemScope();
        var reporter = new Collect(progress ?? []);
        return await scope.ServiceProvider.GetRequiredService<ReceiptVerifier>().VerifyAsync(dump.Connection, null, sha256, reporter, default);
    }

    [Fact]
    public async Task The_receipt_of_a_fresh_dump_reads_back_and_every_table_is_complete_down_to_sha256()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("verify"));
        await dump.RunAsync(7, Load);
        await using (var scope = dump.App.Services.CreateSystemScope())
        {
            var receipt = await scope.ServiceProvider.GetRequiredService<ReceiptReader>().ReadAsync(dump.Connection, "portal/", default);
            Assert.Equal(("portal/receipt.json", "portal/2025-04-15T11:23", 7L), (receipt.Key, receipt.Document.Folder, receipt.Document.RunId));
            Assert.Equal(ChinookExpectations.Tables().Count, receipt.Document.Tables.Count);
            Assert.Null(receipt.RunId); // run 7 is not a run of this portal's database
        }
        var progress = new List<VerifyProgress>();

        var result = await VerifyAsync(dump, sha256: true, progress);

        Assert.True(result.Complete, string.Join("; ", result.Tables.Where(t => t.Status != VerificationStatus.Complete).Select(t => $"{t.Name}: {t.Status} {t.Note}")));
        Assert.All(result.Tables, t => Assert.Equal(t.ExpectedFiles, t.HashedFiles));
        Assert.Equal(progress[^1].Total, progress[^1].Done);
        Assert.True(progress.Count > result.Tables.Count);
    }

    [Fact]
    public async Task A_missing_an_extra_and_a_modified_file_are_found_in_their_tables()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("verify"));
        var outcome = await dump.RunAsync(8, Load);
        var artist = outcome.Streams.Single(s => s.Name == "artist").Files[0].Key;
        var genre = outcome.Streams.Single(s => s.Name == "genre").Files[0].Key;
        var album = outcome.Streams.Single(s => s.Name == "album").Files[0].Key;
        using var s3 = ceph.CreateClient();
        await s3.DeleteObjectAsync(dump.Bucket, artist);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = dump.Bucket, Key = "portal/2025-04-15T11:23/genre/stray.csv", ContentBody = "x" });
        var bytes = await dump.GetAsync(album);
        bytes[^10] ^= 0xFF; // same size, other content
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = dump.Bucket, Key = album, InputStream = new MemoryStream(bytes) });

        var bySize = await VerifyAsync(dump, sha256: false);
        var byHash = await VerifyAsync(dump, sha256: true);

        var missing = bySize.Tables.Single(t => t.Name == "artist");
        Assert.Equal((VerificationStatus.Incomplete, 1, 0), (missing.Status, missing.ExpectedFiles, missing.FoundFiles));
        Assert.Equal([artist], missing.Missing);
        var extra = bySize.Tables.Single(t => t.Name == "genre");
        Assert.Equal(VerificationStatus.Extra, extra.Status);
        Assert.Equal(["portal/2025-04-15T11:23/genre/stray.csv"], extra.Extra);
        Assert.Equal(VerificationStatus.Complete, bySize.Tables.Single(t => t.Name == "album").Status); // sizes agree
        var modified = byHash.Tables.Single(t => t.Name == "album");
        Assert.Equal(VerificationStatus.Modified, modified.Status);
        Assert.Equal(album, Assert.Single(modified.Modified).Key);
        Assert.False(byHash.Complete);
        Assert.All(byHash.Tables.Where(t => t.Name is not ("artist" or "genre" or "album")), t => Assert.Equal(VerificationStatus.Complete, t.Status));
    }

    [Fact]
    public async Task A_table_whose_schema_file_is_gone_is_incomplete()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("verify"));
        var outcome = await dump.RunAsync(9, Load);
        var schema = outcome.Streams.Single(s => s.Name == "genre").SchemaKey!;
        using var s3 = ceph.CreateClient();
        await s3.DeleteObjectAsync(dump.Bucket, schema);

        var result = await VerifyAsync(dump, sha256: false);

        var genre = result.Tables.Single(t => t.Name == "genre");
        Assert.Equal(VerificationStatus.Incomplete, genre.Status);
        Assert.Equal([schema], genre.Missing);
        Assert.Contains("schema", genre.Note, StringComparison.Ordinal);
        Assert.All(result.Tables.Where(t => t.Name != "genre"), t => Assert.Equal(VerificationStatus.Complete, t.Status));
    }

    [Fact]
    public async Task A_folder_without_a_receipt_is_not_found()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("verify"));
        await using var scope = dump.App.Services.CreateSystemScope();

        await Assert.ThrowsAsync<KeyNotFoundException>(() => scope.ServiceProvider.GetRequiredService<ReceiptReader>().ReadAsync(dump.Connection, null, default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => scope.ServiceProvider.GetRequiredService<ReceiptReader>().ReadAsync(dump.Connection, "other/", default));
    }

    private sealed class Collect(List<VerifyProgress> into) : IProgress<VerifyProgress>
    {
        public void Report(VerifyProgress value)
        {
            lock (into) into.Add(value);
        }
    }
}
