namespace Portal.Tests.Shared;

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Infrastructure.S3;

/// <summary>
/// A real S3 + STS server (Ceph RADOS Gateway) for a test run: started once by tests/infra/ceph-up.sh
/// on free loopback ports, or taken from PORTAL_TEST_S3_ENDPOINT when a script already started one.
/// Each test asks for its own bucket.
/// </summary>
public sealed class CephServer : IAsyncLifetime
{
    public const string AccessKey = "TESTERACCESSKEY0001";
    public const string SecretKey = "TesterSecretKey000000000000000000000001";
    public const string Region = "us-east-1";

    private bool _shared = true;
    private string? _dir;

    /// <summary>A server of the test's own, never the shared one, so it may be paused or stopped (fault injection).</summary>
    public static CephServer Private() => new() { _shared = false };

    public string Endpoint { get; private set; } = "";

    /// <summary>Freezes the S3 server's process (SIGSTOP): connections hang, as with a dead server. Private servers only.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused S3 server run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        if (_dir is null) throw new InvalidOperationException("Only a private Ceph server started by this fixture can be paused.");
        var pid = (await File.ReadAllTextAsync(Path.Combine(_dir, "run", "client.rgw.s3.pid"))).Trim();
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid]);
        await kill.WaitForExitAsync();
    }

    public async Task InitializeAsync()
    {
        var external = _shared ? Environment.GetEnvironmentVariable("PORTAL_TEST_S3_ENDPOINT") : null;
        if (!string.IsNullOrEmpty(external))
        {
            Endpoint = external;
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), $"portal-ceph-{Guid.NewGuid():N}"[..24]);
        var port = FreePort.Next();
        await ScriptRunner.RunAsync("ceph-up.sh", [_dir], new Dictionary<string, string>
        {
            ["RGW_PORT"] = port.ToString(),
            ["MON_V2"] = FreePort.Next().ToString(),
            ["MON_V1"] = FreePort.Next().ToString(),
        });
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public async Task DisposeAsync()
    {
        if (_dir is not null) await ScriptRunner.RunAsync("ceph-down.sh", [_dir]);
    }

    public S3Endpoint S3Endpoint => new(Region, Endpoint, Portal.Core.Connections.ChecksumPolicy.WhenRequired);

    /// <summary>A client as the tester user, through the app's own factory.</summary>
    public IAmazonS3 CreateClient() => new S3ClientFactory().Create(S3Endpoint, new BasicAWSCredentials(AccessKey, SecretKey));

    /// <summary>A new, empty bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync(string hint = "t")
    {
        var name = $"{hint}-{Guid.NewGuid():N}"[..30].ToLowerInvariant();
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }
}
