namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Notifications;
using Portal.Core.Runs;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;
using Xunit.Abstractions;

/// <summary>
/// Every endpoint of the app's own OpenAPI document × every role (and no token) × its own, another customer's and a
/// missing id. An endpoint missing from the table below fails the test, so a new one is covered the day it is added.
/// </summary>
public sealed class RoleMatrixTests(PortalAppFactory app, ITestOutputHelper output) : ApiTestBase(app)
{
    private const string A = Roles.Admin, CS = Roles.CustomerSuccess, O = Roles.Operator, C = Roles.Customer;

    /// <summary>Who may use each endpoint (the README's role table). A Customer only ever reaches their own customer's things.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["GET /api/v1/me"] = [A, CS, O, C],
        ["GET /api/v1/customers"] = [A, CS, O, C],
        ["GET /api/v1/customers/{id}"] = [A, CS, O, C],
        ["POST /api/v1/customers"] = [A, CS],
        ["POST /api/v1/key-templates/preview"] = [A, CS, O, C],
        ["GET /api/v1/sources"] = [A],
        ["POST /api/v1/sources"] = [A],
        ["GET /api/v1/sources/{id}/tables"] = [A, CS],
        ["GET /api/v1/connections"] = [A, CS, O, C],
        ["POST /api/v1/connections"] = [A, CS],
        ["GET /api/v1/connections/{id}"] = [A, CS, O, C],
        ["PUT /api/v1/connections/{id}"] = [A, CS],
        ["DELETE /api/v1/connections/{id}"] = [A, CS],
        ["POST /api/v1/connections/{id}/external-id"] = [A],
        ["GET /api/v1/connections/{id}/setup"] = [A, CS, O, C],
        ["POST /api/v1/connections/{id}/test"] = [A, CS, O],
        ["GET /api/v1/connections/{id}/objects"] = [A, CS, O, C],
        ["GET /api/v1/connections/{id}/objects/details"] = [A, CS, O, C],
        ["GET /api/v1/connections/{id}/objects/preview"] = [A, CS, O, C],
        ["GET /api/v1/connections/{id}/objects/download"] = [A, CS, O, C],
        ["GET /api/v1/connections/{id}/receipt"] = [A, CS, O, C],
        ["POST /api/v1/connections/{id}/receipt/verify"] = [A, CS, O, C],
        ["POST /api/v1/connections/{id}/manifest/verify"] = [A, CS, O, C],
        ["POST /api/v1/connections/{id}/streams/{stream}/mark"] = [A, CS, O],
        ["POST /api/v1/connections/{id}/backfills"] = [A, CS, O],
        ["GET /api/v1/connections/{id}/artifacts"] = [A, CS, O, C],
        ["GET /api/v1/connections/{id}/artifacts/{schedule}/archive"] = [A, CS, O, C],
        ["POST /api/v1/connections/{id}/runs"] = [A, CS, O],
        ["POST /api/v1/connections/{id}/pause"] = [A, O],
        ["POST /api/v1/connections/{id}/resume"] = [A, O],
        ["GET /api/v1/runs"] = [A, CS, O, C],
        ["POST /api/v1/runs/rerun-failed"] = [A, O],
        ["GET /api/v1/runs/{id}"] = [A, CS, O, C],
        ["GET /api/v1/runs/{id}/events"] = [A, CS, O, C],
        ["POST /api/v1/runs/{id}/rerun"] = [A, O],
        ["POST /api/v1/runs/{id}/redeliver"] = [A, O],
        ["GET /api/v1/runs/{id}/resume"] = [A, O],
        ["POST /api/v1/runs/{id}/resume"] = [A, O],
        ["POST /api/v1/runs/{id}/cancel"] = [A, O],
        ["GET /api/v1/users"] = [A],
        ["POST /api/v1/users"] = [A],
        ["DELETE /api/v1/users/{id}"] = [A],
        ["POST /api/v1/users/{id}/tokens"] = [A],
        ["DELETE /api/v1/tokens/{id}"] = [A],
        ["GET /api/v1/notification-channels"] = [A, CS, O, C],
        ["POST /api/v1/notification-channels"] = [A, CS, O, C],
        ["GET /api/v1/notification-channels/{id}"] = [A, CS, O, C],
        ["DELETE /api/v1/notification-channels/{id}"] = [A, CS, O, C],
        ["POST /api/v1/notification-channels/{id}/test"] = [A, CS, O, C],
        ["GET /api/v1/notification-rules"] = [A, CS, O, C],
        ["POST /api/v1/notification-rules"] = [A, CS, O, C],
        ["GET /api/v1/notification-rules/{id}"] = [A, CS, O, C],
        ["DELETE /api/v1/notification-rules/{id}"] = [A, CS, O, C],
        ["GET /api/v1/notifications"] = [A, CS, O, C],
    };

    private sealed record Ids(Guid Customer, Guid Connection, Guid Source, long Run, Guid Channel = default, Guid Rule = default);

    [Fact]
    public async Task Every_endpoint_answers_every_role_as_the_role_table_says()
    {
        var document = await Admin.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var endpoints = document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}")).ToList();
        Assert.Empty(endpoints.Except(Allowed.Keys));
        Assert.Empty(Allowed.Keys.Except(endpoints));

        var mine = await SeedAsync("Matrix own");
        var theirs = await SeedAsync("Matrix other");
        var clients = new Dictionary<string, HttpClient?> { ["(none)"] = null };
        foreach (var role in Roles.All)
            clients[role] = App.CreateApiClient((await App.CreateUserAsync(role, role == C ? mine.Customer : null)).Token);

        var calls = 0;
        var failures = new List<string>();
        foreach (var endpoint in endpoints.OrderBy(e => e.StartsWith("DELETE", StringComparison.Ordinal)))
        {
            var (method, template) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            foreach (var (role, client) in clients)
            {
                foreach (var (which, ids) in new[] { ("own", mine), ("foreign", theirs), ("missing", new Ids(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), long.MaxValue - 7)) })
                {
                    if (!template.Contains('{', StringComparison.Ordinal) && which != "own") continue;
                    var path = await PathAsync(template, ids);
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    var response = await (client ?? App.CreateApiClient(null)).SendAsync(request);
                    calls++;
                    var status = (int)response.StatusCode;
                    var allowed = role != "(none)" && Allowed[endpoint].Contains(role);
                    // A Customer's own things are those of their customer; staff see every customer's.
                    var reaches = which == "own" || (which == "foreign" && role != C);
                    string? wrong = null;
                    if (role == "(none)" && status != 401) wrong = "anonymous must get 401";
                    else if (role != "(none)" && !allowed && status is >= 200 and < 300) wrong = "a role outside the table got 2xx";
                    else if (role != "(none)" && !allowed && status != 403 && status != 404) wrong = "a role outside the table must get 403";
                    else if (allowed && which == "foreign" && role == C && status is >= 200 and < 300) wrong = "a Customer reached another customer's id";
                    else if (allowed && which == "foreign" && role == C && template.Contains('{', StringComparison.Ordinal) && status != 404 && status != 400) wrong = "another customer's id must be 404";
                    else if (allowed && reaches && status is 401 or 403) wrong = "an allowed role was refused";
                    else if (status >= 500 && status != 502) wrong = "a server error";
                    if (wrong is not null) failures.Add($"{endpoint} as {role} with {which} ids: {status} ({wrong})");
                }
            }
        }

        output.WriteLine($"role matrix: {endpoints.Count} endpoints × {clients.Count} callers, {calls} calls, {failures.Count} wrong");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task<string> PathAsync(string template, Ids ids)
    {
        string id;
        if (template.StartsWith("/api/v1/runs/", StringComparison.Ordinal)) id = ids.Run.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else if (template.StartsWith("/api/v1/customers/", StringComparison.Ordinal)) id = ids.Customer.ToString();
        else if (template.StartsWith("/api/v1/sources/", StringComparison.Ordinal)) id = ids.Source.ToString();
        else if (template.StartsWith("/api/v1/users/", StringComparison.Ordinal)) id = (await App.CreateUserAsync(Roles.Operator)).Id;
        else if (template.StartsWith("/api/v1/tokens/", StringComparison.Ordinal)) id = Guid.NewGuid().ToString();
        else if (template.StartsWith("/api/v1/notification-channels/", StringComparison.Ordinal)) id = ids.Channel.ToString();
        else if (template.StartsWith("/api/v1/notification-rules/", StringComparison.Ordinal)) id = ids.Rule.ToString();
        else id = ids.Connection.ToString();
        return template.Replace("{id}", id, StringComparison.Ordinal).Replace("{schedule}", "daily", StringComparison.Ordinal).Replace("{stream}", "s", StringComparison.Ordinal);
    }

    /// <summary>A customer with a source, a connection (to an address that refuses, so bucket calls fail fast) and a failed run.</summary>
    private async Task<Ids> SeedAsync(string name)
    {
        var customer = await App.CreateCustomerAsync(name + " " + Guid.NewGuid().ToString("N")[..6]);
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        var source = new Source { CustomerId = customer.Id, Name = "db", Kind = SourceKind.Sqlite, ConnectionStringCipher = protector.Protect(SecretKind.SourceConnectionString, "Data Source=missing.sqlite") };
        var connection = new Connection
        {
            CustomerId = customer.Id, Name = "matrix", Kind = DeliveryKind.Dump, Bucket = "matrix-bucket", Region = "us-east-1", Endpoint = "http://127.0.0.1:9",
            ExternalId = ExternalIds.Create(), AuthMethod = AuthMethod.AccessKey, AccessKeyId = "AKIAIOSFODNN7EXAMPLE",
            SecretAccessKeyCipher = protector.Protect(SecretKind.AccessKeySecret, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ChecksumMode = ChecksumPolicy.WhenRequired,
        };
        db.Sources.Add(source);
        db.Connections.Add(connection);
        var run = new Run { ConnectionId = connection.Id, CustomerId = customer.Id, Kind = DeliveryKind.Dump, Status = RunStatus.Failed, Error = "seeded" };
        db.Runs.Add(run);
        // An email channel (its test fails fast: no SMTP server is set) with a rule for the connection.
        var channel = new NotificationChannel { Name = "matrix mail", Kind = ChannelKind.Email, Email = "ops@matrix.test", CustomerId = customer.Id };
        var rule = new NotificationRule { ChannelId = channel.Id, Events = NotificationEvents.RunFailed, ConnectionId = connection.Id };
        db.NotificationChannels.Add(channel);
        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync();
        return new Ids(customer.Id, connection.Id, source.Id, run.Id, channel.Id, rule.Id);
    }
}
