namespace Portal.IntegrationTests.Notifications;

using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>The portal is killed (SIGKILL) after a run's failure is recorded and before its webhook is sent.</summary>
[Collection(CephCollection.Name)]
public sealed class NotificationCrashTests(CephServer ceph) : IAsyncLifetime
{
    private readonly PortalNodes _nodes = new("notify-kill");
    private PortalProcess? _portal;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    private async Task<HttpClient> StartPortalAsync(TimeSpan poll)
    {
        if (_portal is not null) await _portal.KillAsync();
        _portal = _nodes.Start(new Dictionary<string, string>
        {
            ["Portal:Delivery:RequestTimeout"] = "00:00:10",
            ["Portal:Notifications:AllowPrivate"] = "true",
            ["Portal:Notifications:PollInterval"] = poll.ToString(),
        });
        return await _portal.ApiAsync(_nodes.Token);
    }

    [Fact]
    public async Task A_webhook_queued_when_the_portal_is_killed_arrives_once_after_the_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The notification job fires at start-up and then not for an hour: the failure's event waits in the outbox.
        var api = await StartPortalAsync(TimeSpan.FromHours(1));
        var (_, connection, _) = await NotificationTests.ConnectionAsync(api, _nodes.Data, ceph.Endpoint, "notify-kill-" + Guid.NewGuid().ToString("N")[..8]);
        var (channel, _) = await NotificationTests.ChannelAsync(api, new { name = "ops", kind = "Webhook", url = receiver.Url });
        await NotificationTests.RuleAsync(api, new { channelId = channel, events = new[] { "run.failed" } });
        var runId = await NotificationTests.RunNowAsync(api, connection);
        Assert.Equal("Failed", (await api.WaitForEndAsync(runId)).GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(receiver.Received);

        await _portal!.KillAsync();
        api = await StartPortalAsync(TimeSpan.FromMilliseconds(500));
        var hooks = await receiver.WaitForAsync(_ => true);
        await Task.Delay(TimeSpan.FromSeconds(4));

        var hook = Assert.Single(receiver.Received);
        var body = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal(("run.failed", runId), (body.GetProperty("event").GetString(), body.GetProperty("run").GetProperty("id").GetInt64()));
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={channel}");
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal(("Sent", 1), (entry.GetProperty("status").GetString(), entry.GetProperty("attempts").GetInt32()));
        Assert.Equal(body.GetProperty("id").GetGuid(), entry.GetProperty("eventId").GetGuid());
        Assert.Single(hooks);
    }
}
