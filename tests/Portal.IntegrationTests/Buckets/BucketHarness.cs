namespace Portal.IntegrationTests.Buckets;

using System.IO.Compression;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

/// <summary>A portal and a fresh Ceph bucket with a connection (prefix <c>acme/</c>, access key) to browse it.</summary>
internal sealed class BucketHarness : IDisposable
{
    private readonly CephServer _ceph;

    private BucketHarness(CephServer ceph, string bucket, IReadOnlyDictionary<string, string?>? settings)
    {
        _ceph = ceph;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) App.Settings[k] = v;
        Bucket = bucket;
        Connection = NewConnection(bucket, "acme/");
    }

    public static async Task<BucketHarness> CreateAsync(CephServer ceph, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(ceph, await ceph.CreateBucketAsync("browse"), settings);

    public PortalAppFactory App { get; } = new();

    public string Bucket { get; }

    public Connection Connection { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>A connection to this bucket under another prefix.</summary>
    public Connection NewConnection(string bucket, string prefix)
    {
        var protector = App.Services.GetRequiredService<ISecretProtector>();
        return new Connection
        {
            Name = "browse", Kind = DeliveryKind.Dump, Bucket = bucket, Region = CephServer.Region, Prefix = prefix,
            Endpoint = _ceph.Endpoint, ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey,
            AccessKeyId = CephServer.AccessKey, SecretAccessKeyCipher = protector.Protect(SecretKind.AccessKeySecret, CephServer.SecretKey),
            ExternalId = ExternalIds.Create(),
        };
    }

    public async Task PutAsync(string key, byte[] body, string? contentType = null, IDictionary<string, string>? metadata = null)
    {
        using var s3 = _ceph.CreateClient();
        var request = new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(body), ContentType = contentType };
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) request.Metadata[k] = v;
        await s3.PutObjectAsync(request);
    }

    public Task PutAsync(string key, string text, string? contentType = null) => PutAsync(key, System.Text.Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>Many small objects at once (parallel PUTs).</summary>
    public async Task PutManyAsync(IEnumerable<string> keys)
    {
        using var s3 = _ceph.CreateClient();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "x" }, ct));
    }

    public static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    public void Dispose() => App.Dispose();
}
