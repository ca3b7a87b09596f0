namespace Portal.IntegrationTests.S3;

using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Portal.Core.Connections;
using Portal.Infrastructure.S3;
using Portal.Tests.Shared;

[Collection(CephCollection.Name)]
public sealed class ObjectStoreTests(CephServer ceph)
{
    [Fact]
    public async Task Writes_and_reads_an_object_through_the_apps_s3_layer()
    {
        var bucket = await ceph.CreateBucketAsync();
        using var client = ceph.CreateClient();
        var store = new ObjectStore(client);
        var content = "{\"id\":1,\"name\":\"Zoë – ünïcödé\"}\n"u8.ToArray();

        await store.PutAsync(bucket, "portal/hello/part 0.ndjson", new MemoryStream(content), "application/x-ndjson", default);
        var read = await store.GetBytesAsync(bucket, "portal/hello/part 0.ndjson", default);

        Assert.Equal(content, read);
        var head = await client.GetObjectMetadataAsync(bucket, "portal/hello/part 0.ndjson");
        Assert.Equal("application/x-ndjson", head.Headers.ContentType);
        Assert.Equal(content.Length, head.ContentLength);
    }

    [Fact]
    public async Task The_server_checks_signatures_so_a_wrong_secret_is_refused()
    {
        var bucket = await ceph.CreateBucketAsync();
        using var client = new S3ClientFactory().Create(ceph.S3Endpoint, new BasicAWSCredentials(CephServer.AccessKey, "wrong-secret"));

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            new ObjectStore(client).PutAsync(bucket, "x", new MemoryStream(Encoding.UTF8.GetBytes("x")), "text/plain", default));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task The_checksum_mode_is_a_per_endpoint_setting_that_ceph_needs()
    {
        var bucket = await ceph.CreateBucketAsync();
        // The SDK's default trailing CRC32 checksum is rejected by Ceph: this is why the setting exists.
        var strict = ceph.S3Endpoint with { ChecksumMode = ChecksumPolicy.WhenSupported };
        using var client = new S3ClientFactory().Create(strict, new BasicAWSCredentials(CephServer.AccessKey, CephServer.SecretKey));

        await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            new ObjectStore(client).PutAsync(bucket, "x", new MemoryStream("x"u8.ToArray()), "text/plain", default));
    }
}
