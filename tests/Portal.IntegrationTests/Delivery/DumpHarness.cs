namespace Portal.IntegrationTests.Delivery;

using System.IO.Compression;
using System.Security.Cryptography;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

/// <summary>A portal with the Chinook source, a connection to a fresh Ceph bucket, and helpers to read back what was delivered.</summary>
internal sealed class DumpHarness : IDisposable
{
    private readonly CephServer _ceph;

    /// <param name="settings">Configuration for the app, applied before it starts.</param>
    public DumpHarness(CephServer ceph, string bucket, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _ceph = ceph;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) App.Settings[k] = v;
        Bucket = bucket;
        var sources = Path.Combine(App.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, "chinook.sqlite"), overwrite: true);
        var protector = App.Services.GetRequiredService<ISecretProtector>();
        Source = new Source { Name = "chinook", Kind = SourceKind.Sqlite, ConnectionStringCipher = protector.Protect(SecretKind.SourceConnectionString, "Data Source=chinook.sqlite") };
        Connection = new Connection
        {
            Name = "chinook", Kind = DeliveryKind.Dump, Bucket = bucket, Region = CephServer.Region, Prefix = "portal/",
            Endpoint = ceph.Endpoint, ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey,
            AccessKeyId = CephServer.AccessKey, SecretAccessKeyCipher = protector.Protect(SecretKind.AccessKeySecret, CephServer.SecretKey),
            ExternalId = ExternalIds.Create(), Format = "ndjson", Compression = "gzip",
            Streams = ChinookExpectations.Tables().Select((t, i) => new ConnectionStream { Name = t.ToLowerInvariant(), Table = t, Position = i }).ToList(),
        };
    }

    public PortalAppFactory App { get; } = new();

    public string Bucket { get; }

    public Source Source { get; }

    public Connection Connection { get; }

    public List<StreamProgress> Progress { get; } = [];

    public Task<DeliveryOutcome> RunAsync(long runId, DateTimeOffset load, Source? source = null, DeliveryRequest? request = null, CancellationToken ct = default) =>
        App.Services.GetRequiredService<DeliveryRunner>().RunAsync(Connection, source ?? Source, request ?? new DeliveryRequest(runId, Guid.NewGuid().ToString(), load),
            p => { lock (Progress) Progress.Add(p); }, null, ct);

    public async Task<byte[]> GetAsync(string key)
    {
        using var s3 = _ceph.CreateClient();
        using var response = await s3.GetObjectAsync(Bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>An object's text, gunzipped when it is gzip.</summary>
    public async Task<string> TextAsync(string key)
    {
        var bytes = await GetAsync(key);
        if (!key.EndsWith(".gz", StringComparison.Ordinal)) return System.Text.Encoding.UTF8.GetString(bytes);
        await using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync();
    }

    public async Task<Dictionary<string, long>> ListAsync(string prefix = "")
    {
        using var s3 = _ceph.CreateClient();
        var all = new Dictionary<string, long>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new() { BucketName = Bucket, Prefix = prefix, ContinuationToken = token });
            foreach (var o in page.S3Objects ?? []) all[o.Key] = o.Size ?? 0;
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return all;
    }

    public async Task<int> OpenUploadsAsync()
    {
        using var s3 = _ceph.CreateClient();
        return (await s3.ListMultipartUploadsAsync(Bucket)).MultipartUploads?.Count ?? 0;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void Dispose() => App.Dispose();
}
