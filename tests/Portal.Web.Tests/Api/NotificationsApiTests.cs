namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>
/// Channels, rules and the log through the API: a Customer reaches only its own (404 otherwise), a customer's channel
/// only hears about its own connections, and a webhook URL is never a way into the portal's own network.
/// </summary>
public sealed class NotificationsApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    private async Task<(Guid Customer, Guid Connection, HttpClient User)> CustomerAsync(string name)
    {
        var customer = await App.CreateCustomerAsync(name + " " + Guid.NewGuid().ToString("N")[..6]);
        var created = await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "dumps", kind = "Dump", bucket = "bucket-" + Guid.NewGuid().ToString("N")[..8], region = "us-east-1",
            auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var user = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, customer.Id)).Token);
        return (customer.Id, connection, user);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_customer_cannot_see_or_use_another_customers_channels_rules_or_log()
    {
        var (mine, myConnection, me) = await CustomerAsync("Mine");
        var (theirs, theirConnection, _) = await CustomerAsync("Theirs");
        var theirChannel = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "their mail", kind = "Email", email = "ops@theirs.test", customerId = theirs }));
        var theirRule = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = theirChannel, events = new[] { "run.failed" } }));
        var staffChannel = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "staff mail", kind = "Email", email = "ops@portal.test" }));
        await Admin.PostAsync($"/api/v1/notification-channels/{theirChannel}/test", null);

        foreach (var path in new[] { $"/api/v1/notification-channels/{theirChannel}", $"/api/v1/notification-rules/{theirRule}", $"/api/v1/notification-channels/{staffChannel}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await me.DeleteAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsync($"/api/v1/notification-channels/{theirChannel}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = theirChannel, events = new[] { "run.failed" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync("/api/v1/notification-channels", new { name = "x", kind = "Email", email = "a@b.test", customerId = theirs })).StatusCode);

        var myChannel = await CreatedIdAsync(await me.PostAsJsonAsync("/api/v1/notification-channels", new { name = "my mail", kind = "Email", email = "me@mine.test" }));
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = myChannel, events = new[] { "run.failed" }, connectionId = theirConnection })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = myChannel, events = new[] { "run.failed" }, customerId = theirs })).StatusCode);
        var myRule = await CreatedIdAsync(await me.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = myChannel, events = new[] { "run.failed", "dump.delivered" } }));

        var channels = await me.GetFromJsonAsync<JsonElement>("/api/v1/notification-channels");
        Assert.Equal([myChannel], channels.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        var rules = await me.GetFromJsonAsync<JsonElement>("/api/v1/notification-rules");
        var rule = Assert.Single(rules.GetProperty("items").EnumerateArray());
        Assert.Equal(myRule, rule.GetProperty("id").GetGuid());
        // "All connections" of a customer's rule means that customer's.
        Assert.Equal(mine, rule.GetProperty("customerId").GetGuid());
        var log = await me.GetFromJsonAsync<JsonElement>("/api/v1/notifications");
        Assert.Equal(0, log.GetProperty("total").GetInt32());
        Assert.Equal(0, (await me.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={theirChannel}")).GetProperty("total").GetInt32());
        Assert.True((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={theirChannel}")).GetProperty("total").GetInt32() >= 1);
        _ = myConnection;
    }

    [Fact]
    public async Task Staff_cannot_point_a_customers_channel_at_another_customers_connections()
    {
        var (_, _, _) = await CustomerAsync("Owner");
        var (theirs, theirConnection, _) = await CustomerAsync("Other");
        var (mine, _, _) = await CustomerAsync("Channel owner");
        var channel = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "c", kind = "Email", email = "c@c.test", customerId = mine }));

        var byConnection = await Admin.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = channel, events = new[] { "run.failed" }, connectionId = theirConnection });
        var byCustomer = await Admin.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = channel, events = new[] { "run.failed" }, customerId = theirs });

        Assert.Equal(HttpStatusCode.BadRequest, byConnection.StatusCode);
        Assert.Contains("connectionId", await byConnection.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, byCustomer.StatusCode);
        // Scoped to all connections, it is narrowed to its own customer's.
        var all = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-rules", new { channelId = channel, events = new[] { "run.failed" } }));
        Assert.Equal(mine, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notification-rules/{all}")).GetProperty("customerId").GetGuid());
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("http://93.184.215.14/hook")]
    [InlineData("https://user:pass@93.184.215.14/hook")]
    [InlineData("ftp://93.184.215.14/hook")]
    [InlineData("/relative/hook")]
    [InlineData("")]
    public async Task A_webhook_url_that_is_not_public_https_is_refused_and_nothing_is_saved(string url)
    {
        var before = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-channels")).GetProperty("total").GetInt32();

        var response = await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "inside", kind = "Webhook", url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("url", out _));
        Assert.Equal(before, (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-channels")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_public_https_webhook_is_saved_with_a_secret_shown_once()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "public", kind = "Webhook", url = "https://93.184.215.14/hook" });

        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var read = await Admin.GetStringAsync($"/api/v1/notification-channels/{body.GetProperty("id").GetGuid()}");
        Assert.DoesNotContain(secret, read, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], await Admin.GetStringAsync("/api/v1/notification-channels"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"x","kind":"Pager","url":"https://93.184.215.14/"}""", "kind")]
    [InlineData("""{"name":"x","kind":"1","url":"https://93.184.215.14/"}""", "kind")]
    [InlineData("""{"name":"","kind":"Email","email":"a@b.test"}""", "name")]
    [InlineData("""{"name":"x","kind":"Email","email":"not an address"}""", "email")]
    [InlineData("""{"name":"x","kind":"Email","email":"a@b.test, c@d.test"}""", "email")]
    [InlineData("""{"name":"x","kind":"Email","email":"a@b.test","url":"https://93.184.215.14/"}""", "url")]
    public async Task A_bad_channel_gets_a_clear_error_per_field(string json, string field)
    {
        var response = await Admin.PostAsync("/api/v1/notification-channels", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"events":["run.failed"]}""", "channelId")]
    [InlineData("""{"channelId":"CHANNEL","events":[]}""", "events")]
    [InlineData("""{"channelId":"CHANNEL","events":["run.exploded"]}""", "events")]
    [InlineData("""{"channelId":"CHANNEL","events":["connection.failing"],"consecutiveFailures":0}""", "consecutiveFailures")]
    [InlineData("""{"channelId":"CHANNEL","events":["run.failed"],"consecutiveFailures":3}""", "consecutiveFailures")]
    public async Task A_bad_rule_gets_a_clear_error_per_field(string json, string field)
    {
        var channel = await CreatedIdAsync(await Admin.PostAsJsonAsync("/api/v1/notification-channels", new { name = "rules", kind = "Email", email = "r@r.test" }));

        var response = await Admin.PostAsync("/api/v1/notification-rules", new StringContent(json.Replace("CHANNEL", channel.ToString(), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notification-rules?channelId={channel}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Pausing_by_hand_queues_connection_paused_with_who_did_it_and_resuming_clears_the_reason()
    {
        var (_, connection, _) = await CustomerAsync("Paused");

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connection}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connection}/pause", null)).StatusCode);
        var paused = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connection}/resume", null)).StatusCode);
        var resumed = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");

        Assert.StartsWith("Paused by ", paused.GetProperty("pausedReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("pausedReason").ValueKind);
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Actors.CurrentActor>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
        var events = await db.OutboxEvents.AsNoTracking().Where(e => e.ConnectionId == connection).ToListAsync();
        var only = Assert.Single(events);
        Assert.Equal("connection.paused", only.Event);
        Assert.Contains("Paused by ", only.Data, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("169.254.169.254")]
    public async Task At_send_time_a_host_that_now_resolves_inside_is_not_connected_to(string host)
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => Portal.Infrastructure.Notifications.WebhookUrls.ConnectAsync(new System.Net.DnsEndPoint(host, 9), allowPrivate: false, default).AsTask());

        Assert.Contains("was not sent", refused.Message, StringComparison.Ordinal);
    }
}
