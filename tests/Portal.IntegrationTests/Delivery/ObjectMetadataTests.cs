namespace Portal.IntegrationTests.Delivery;

using System.Security.Cryptography;
using Portal.Core.Connections;
using Portal.Infrastructure.Delivery;
using Portal.Tests.Shared;

/// <summary>Every data object carries its run, rows and sha256 as S3 user metadata: small ones (one PUT) and multipart ones (copied onto themselves).</summary>
[Collection(CephCollection.Name)]
public sealed class ObjectMetadataTests(CephServer ceph)
{
    [Fact]
    public async Task Small_and_multipart_objects_carry_the_run_the_rows_and_the_sha256_as_stored()
    {
        using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("meta"));
        BigTables.Create(Path.Combine(dump.App.DataDirectory, "sources", "chinook.sqlite"), 120_000);
        dump.Connection.Format = "csv";
        dump.Connection.Compression = "none"; // about 12 MB: a multipart upload of three parts
        dump.Connection.Streams = [new ConnectionStream { Name = "big", Table = "big" }, new ConnectionStream { Name = "artists", Table = "Artist", Position = 1 }];

        var outcome = await dump.RunAsync(4242, DateTimeOffset.UtcNow);

        var files = outcome.Streams.SelectMany(s => s.Files).ToList();
        Assert.Contains(files, f => f.Bytes > 10_000_000);
        Assert.Contains(files, f => f.Bytes < 5 * 1024 * 1024);
        using var s3 = ceph.CreateClient();
        foreach (var file in files)
        {
            var head = await s3.GetObjectMetadataAsync(dump.Bucket, file.Key);
            Assert.Equal("4242", head.Metadata["x-amz-meta-" + S3ObjectUpload.RunIdMetadata]);
            Assert.Equal(file.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Metadata["x-amz-meta-" + S3ObjectUpload.RowsMetadata]);
            Assert.Equal(file.Sha256, head.Metadata["x-amz-meta-" + S3ObjectUpload.Sha256Metadata]);
            Assert.Equal("text/csv", head.Headers.ContentType.Split(';')[0]);
            // The copy that set them left the bytes as they were.
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(await dump.GetAsync(file.Key))));
        }
        Assert.Equal(0, await dump.OpenUploadsAsync());
    }
}
