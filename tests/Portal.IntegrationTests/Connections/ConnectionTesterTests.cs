namespace Portal.IntegrationTests.Connections;

using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

/// <summary>The connection test against the real Ceph S3 + STS server.</summary>
[Collection(CephCollection.Name)]
public sealed class ConnectionTesterTests : IDisposable
{
    private const string WriterRole = "arn:aws:iam:::role/ExportWriter";
    private const string NeverAssumableRole = "arn:aws:iam:::role/ExportWriterExtId";

    private readonly CephServer _ceph;
    private readonly PortalAppFactory _app = new();

    public ConnectionTesterTests(CephServer ceph)
    {
        _ceph = ceph;
        // The portal's own identity for STS calls: the tester user, trusted by the roles.
        _app.Settings["Portal:Aws:AccessKeyId"] = CephServer.AccessKey;
        _app.Settings["Portal:Aws:SecretAccessKey"] = CephServer.SecretKey;
    }

    public void Dispose() => _app.Dispose();

    private Connection NewConnection(string bucket, AuthMethod auth, string? roleArn = null, string? secret = CephServer.SecretKey, DeliveryKind kind = DeliveryKind.Dump)
    {
        var protector = _app.Services.GetRequiredService<ISecretProtector>();
        return new Connection
        {
            Name = "test",
            Kind = kind,
            Bucket = bucket,
            Region = CephServer.Region,
            Prefix = "portal/",
            Endpoint = _ceph.Endpoint,
            ChecksumMode = ChecksumPolicy.WhenRequired,
            AuthMethod = auth,
            RoleArn = roleArn,
            ExternalId = ExternalIds.Create(),
            AccessKeyId = auth == AuthMethod.AccessKey ? CephServer.AccessKey : null,
            SecretAccessKeyCipher = auth == AuthMethod.AccessKey && secret is not null ? protector.Protect(SecretKind.AccessKeySecret, secret) : null,
        };
    }

    private async Task<IReadOnlyList<TestStep>> RunAsync(Connection connection)
    {
        await using var scope = _app.Services.CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<ConnectionTester>().TestAsync(connection, default);
    }

    private static TestStep Step(IReadOnlyList<TestStep> steps, string name) => Assert.Single(steps, s => s.Name == name);

    [Fact]
    public async Task An_access_key_connection_passes_every_step()
    {
        var bucket = await _ceph.CreateBucketAsync();

        var steps = await RunAsync(NewConnection(bucket, AuthMethod.AccessKey));

        Assert.Equal(["Credentials", "ExternalId guard", "Bucket", "Write", "Multipart upload", "Delete", "List"], steps.Select(s => s.Name));
        Assert.All(steps.Where(s => s.Name != "ExternalId guard"), s => Assert.True(s.Status == TestStep.Pass, $"{s.Name}: {s.Status} {s.Message}"));
        Assert.Equal(TestStep.Skipped, Step(steps, "ExternalId guard").Status);
        // The marker stays, the multipart object was deleted.
        using var s3 = _ceph.CreateClient();
        var keys = (await s3.ListObjectsV2Async(new() { BucketName = bucket })).S3Objects.Select(o => o.Key).ToList();
        Assert.Equal(["portal/portal-connection-test"], keys);
    }

    [Fact]
    public async Task An_assume_role_connection_whose_role_requires_the_external_id_passes_with_delete_skipped()
    {
        var bucket = await _ceph.CreateBucketAsync("role");
        var connection = NewConnection(bucket, AuthMethod.AssumeRole, WriterRole);
        using var sts = new EnforcingSts(_ceph.Endpoint, connection.ExternalId);
        connection.StsEndpoint = sts.Url;

        var steps = await RunAsync(connection);

        foreach (var name in new[] { "Credentials", "ExternalId guard", "Bucket", "Write", "Multipart upload", "List" })
            Assert.True(Step(steps, name).Status == TestStep.Pass, $"{name}: {Step(steps, name).Message}");
        Assert.Equal(TestStep.Skipped, Step(steps, "Delete").Status);
        Assert.Contains("does not need it", Step(steps, "Delete").Message, StringComparison.Ordinal);
        Assert.Equal(2, sts.Refused);
    }

    [Fact]
    public async Task A_role_that_trusts_the_portal_without_the_external_id_condition_is_refused_and_nothing_touches_the_bucket()
    {
        var bucket = await _ceph.CreateBucketAsync("role");
        // Ceph's roles cannot evaluate sts:ExternalId: this one is assumed with or without it.
        var connection = NewConnection(bucket, AuthMethod.AssumeRole, WriterRole);

        var steps = await RunAsync(connection);

        var guard = Step(steps, "ExternalId guard");
        Assert.Equal(TestStep.Fail, guard.Status);
        Assert.Contains("confused-deputy", guard.Message, StringComparison.Ordinal);
        Assert.Contains("sts:ExternalId", guard.Message, StringComparison.Ordinal);
        foreach (var name in new[] { "Bucket", "Write", "Multipart upload", "Delete", "List" })
            Assert.Equal(TestStep.Skipped, Step(steps, name).Status);
        using var s3 = _ceph.CreateClient();
        Assert.Empty((await s3.ListObjectsV2Async(new() { BucketName = bucket })).S3Objects ?? []);

        // At run time too: no credentials, so no delivery, listing or link.
        var runner = _app.Services.GetRequiredService<Portal.Infrastructure.Delivery.DeliveryRunner>();
        var source = new Portal.Core.Sources.Source { Name = "s", Kind = Portal.Core.Sources.SourceKind.Sqlite, ConnectionStringCipher = "" };
        var refused = await Assert.ThrowsAsync<ExternalIdNotEnforcedException>(() => runner.RunAsync(connection, source,
            new Portal.Infrastructure.Delivery.DeliveryRequest(1, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow), _ => { }, null, default));
        Assert.Contains("sts:ExternalId", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await s3.ListObjectsV2Async(new() { BucketName = bucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task A_wrong_secret_fails_at_the_credentials_step()
    {
        var bucket = await _ceph.CreateBucketAsync();

        var steps = await RunAsync(NewConnection(bucket, AuthMethod.AccessKey, secret: "WrongSecretKey0000000000000000000000001"));

        var credentials = Step(steps, "Credentials");
        Assert.Equal(TestStep.Fail, credentials.Status);
        Assert.Contains("secret access key is not accepted", credentials.Message, StringComparison.Ordinal);
        Assert.All(steps.SkipWhile(s => s.Name != "Bucket"), s => Assert.Equal(TestStep.Skipped, s.Status));
    }

    [Fact]
    public async Task A_missing_bucket_fails_at_the_bucket_step()
    {
        var steps = await RunAsync(NewConnection("role-no-such-bucket-" + Guid.NewGuid().ToString("N")[..8], AuthMethod.AccessKey));

        Assert.Equal(TestStep.Pass, Step(steps, "Credentials").Status);
        var bucket = Step(steps, "Bucket");
        Assert.Equal(TestStep.Fail, bucket.Status);
        Assert.Contains("does not exist", bucket.Message, StringComparison.Ordinal);
        Assert.Equal(TestStep.Skipped, Step(steps, "Write").Status);
    }

    [Fact]
    public async Task A_role_whose_trust_policy_cannot_be_met_fails_at_the_credentials_step()
    {
        var bucket = await _ceph.CreateBucketAsync("role");

        var steps = await RunAsync(NewConnection(bucket, AuthMethod.AssumeRole, NeverAssumableRole));

        var credentials = Step(steps, "Credentials");
        Assert.Equal(TestStep.Fail, credentials.Status);
        Assert.Contains("could not assume", credentials.Message, StringComparison.Ordinal);
        Assert.Contains("trust policy", credentials.Message, StringComparison.Ordinal);
        Assert.Equal(TestStep.Pass, Step(steps, "ExternalId guard").Status);
    }

    [Fact]
    public async Task A_bucket_outside_the_roles_policy_fails_at_the_bucket_step()
    {
        var bucket = await _ceph.CreateBucketAsync("other");
        var connection = NewConnection(bucket, AuthMethod.AssumeRole, WriterRole);
        using var sts = new EnforcingSts(_ceph.Endpoint, connection.ExternalId);
        connection.StsEndpoint = sts.Url;

        var steps = await RunAsync(connection);

        Assert.Equal(TestStep.Pass, Step(steps, "Credentials").Status);
        var step = Step(steps, "Bucket");
        Assert.Equal(TestStep.Fail, step.Status);
        Assert.Contains("denied", step.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_with_a_network_message_in_bounded_time()
    {
        // Before the app starts (NewConnection starts it): a setting given later is never read.
        _app.Settings["Portal:Aws:RequestTimeout"] = "00:00:03";
        var connection = NewConnection("role-x", AuthMethod.AccessKey);
        connection.Endpoint = $"http://127.0.0.1:{FreePort.Next()}";

        var started = DateTime.UtcNow;
        var steps = await RunAsync(connection);

        Assert.Equal(TestStep.Fail, Step(steps, "Credentials").Status);
        Assert.Contains("No answer", Step(steps, "Credentials").Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(60));
    }
}
