namespace Portal.IntegrationTests.Connections;

using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Infrastructure.S3;
using Portal.Tests.Shared;

public sealed class ConnectionCredentialsTests : IDisposable
{
    private readonly PortalAppFactory _app = new();

    public ConnectionCredentialsTests()
    {
        _app.Settings["Portal:Aws:AccessKeyId"] = "PORTALACCESSKEY0001";
        _app.Settings["Portal:Aws:SecretAccessKey"] = "portal-secret-0001";
    }

    public void Dispose() => _app.Dispose();

    private static Connection RoleConnection(string sts) => new()
    {
        Name = "c",
        Bucket = "b-bucket",
        Region = "eu-west-1",
        AuthMethod = AuthMethod.AssumeRole,
        RoleArn = "arn:aws:iam::123456789012:role/portal-writer",
        ExternalId = ExternalIds.Create(),
        StsEndpoint = sts,
    };

    private ConnectionCredentials Credentials => _app.Services.GetRequiredService<ConnectionCredentials>();

    [Fact]
    public async Task AssumeRole_sends_the_external_id_and_a_session_name_naming_the_connection()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1));
        var connection = RoleConnection(sts.Url);
        sts.RequiredExternalId = connection.ExternalId;

        var credentials = await Credentials.GetAsync(connection, default);

        var request = Assert.Single(sts.Granted);
        Assert.Equal("AssumeRole", request["Action"]);
        Assert.Equal(connection.RoleArn, request["RoleArn"]);
        Assert.Equal(connection.ExternalId, request["ExternalId"]);
        Assert.Equal($"portal-{connection.Id}", request["RoleSessionName"]);
        Assert.StartsWith("ASIATEST", (await credentials.GetCredentialsAsync()).AccessKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_external_id_guard_call_leaves_the_external_id_out()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1));

        await Credentials.AssumeRoleAsync(RoleConnection(sts.Url), withExternalId: false, default);

        Assert.False(Assert.Single(sts.Requests).ContainsKey("ExternalId"));
    }

    [Fact]
    public async Task Role_credentials_are_cached_and_shared_by_concurrent_callers()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1));
        var connection = RoleConnection(sts.Url);
        sts.RequiredExternalId = connection.ExternalId;

        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Credentials.GetAsync(connection, default)));
        await Credentials.GetAsync(connection, default);

        Assert.Single(sts.Granted);
        // The guard's two refused calls (no ExternalId, a wrong one), once for all 21 callers.
        Assert.Equal(3, sts.Requests.Count);
        Assert.All(all, c => Assert.Same(all[0], c));
    }

    [Fact]
    public async Task Credentials_within_five_minutes_of_expiry_are_refreshed()
    {
        using var sts = new RecordingSts(TimeSpan.FromMinutes(4));
        var connection = RoleConnection(sts.Url);
        sts.RequiredExternalId = connection.ExternalId;

        await Credentials.GetAsync(connection, default);
        await Credentials.GetAsync(connection, default);

        Assert.Equal(2, sts.Granted.Count);
    }

    [Fact]
    public async Task A_changed_external_id_is_not_served_from_the_cache()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1));
        var connection = RoleConnection(sts.Url);
        sts.RequiredExternalId = connection.ExternalId;
        await Credentials.GetAsync(connection, default);

        connection.ExternalId = sts.RequiredExternalId = ExternalIds.Create();
        await Credentials.GetAsync(connection, default);

        // Each ExternalId was proved required (two refused calls each) before its credentials were fetched.
        Assert.Equal(6, sts.Requests.Count);
        Assert.Equal(connection.ExternalId, sts.Requests.Last()["ExternalId"]);
    }

    [Fact]
    public async Task A_role_that_can_be_assumed_without_its_external_id_gets_no_credentials_and_a_sentence_naming_the_condition()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1)); // grants every AssumeRole: a trust policy without the condition
        var connection = RoleConnection(sts.Url);

        var refused = await Assert.ThrowsAsync<ExternalIdNotEnforcedException>(() => Credentials.GetAsync(connection, default));

        Assert.Contains("confused-deputy", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"\"sts:ExternalId\": \"{connection.ExternalId}\"", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sts.Requests, r => r.GetValueOrDefault("ExternalId") == connection.ExternalId);

        // A role that refuses without the ExternalId but takes any wrong one is refused too.
        sts.RequiredExternalId = null;
        using var lax = new RecordingSts(TimeSpan.FromHours(1));
        var other = RoleConnection(lax.Url);
        lax.RequiredExternalId = null;
        await Assert.ThrowsAsync<ExternalIdNotEnforcedException>(() => Credentials.GetAsync(other, default));
    }
}
