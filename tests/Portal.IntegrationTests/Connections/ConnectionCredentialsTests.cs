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

        var credentials = await Credentials.GetAsync(connection, default);

        var request = Assert.Single(sts.Requests);
        Assert.Equal("AssumeRole", request["Action"]);
        Assert.Equal(connection.RoleArn, request["RoleArn"]);
        Assert.Equal(connection.ExternalId, request["ExternalId"]);
        Assert.Equal($"portal-{connection.Id}", request["RoleSessionName"]);
        Assert.Equal("ASIATEST0001", (await credentials.GetCredentialsAsync()).AccessKey);
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

        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Credentials.GetAsync(connection, default)));
        await Credentials.GetAsync(connection, default);

        Assert.Single(sts.Requests);
        Assert.All(all, c => Assert.Same(all[0], c));
    }

    [Fact]
    public async Task Credentials_within_five_minutes_of_expiry_are_refreshed()
    {
        using var sts = new RecordingSts(TimeSpan.FromMinutes(4));
        var connection = RoleConnection(sts.Url);

        await Credentials.GetAsync(connection, default);
        await Credentials.GetAsync(connection, default);

        Assert.Equal(2, sts.Requests.Count);
    }

    [Fact]
    public async Task A_changed_external_id_is_not_served_from_the_cache()
    {
        using var sts = new RecordingSts(TimeSpan.FromHours(1));
        var connection = RoleConnection(sts.Url);
        await Credentials.GetAsync(connection, default);

        connection.ExternalId = ExternalIds.Create();
        await Credentials.GetAsync(connection, default);

        Assert.Equal(2, sts.Requests.Count);
        Assert.Equal(connection.ExternalId, sts.Requests.Last()["ExternalId"]);
    }
}
