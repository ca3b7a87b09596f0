namespace Portal.IntegrationTests.Notifications;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Notifications;
using Portal.Infrastructure.Notifications;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Notifications end to end, through the API, Quartz and real receivers: a Kestrel webhook endpoint that checks the
/// signature and a real SMTP server, with dumps into Ceph.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class NotificationTests(CephServer ceph, SmtpServer smtp) : IDisposable
{
    private readonly PortalAppFactory _app = CreateApp(smtp);

    private static PortalAppFactory CreateApp(SmtpServer smtp)
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Delivery:RequestTimeout"] = "00:00:10";
        app.Settings["Portal:Delivery:RetryDelay"] = "00:00:01";
        app.Settings["Portal:Notifications:AllowPrivate"] = "true";
        app.Settings["Portal:Notifications:PollInterval"] = "00:00:00.500";
        app.Settings["Portal:Notifications:RetryBase"] = "00:00:01";
        app.Settings["Portal:PublicUrl"] = "https://portal.example.test";
        foreach (var (k, v) in smtp.Settings) app.Settings[k] = v;
        return app;
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Admin => _app.CreateApiClient(_app.AdminToken);

    /// <summary>A customer with a Chinook dump connection into <paramref name="bucket"/> (which may not exist, for failures).</summary>
    internal static async Task<(Guid Customer, Guid Connection, string Bucket)> ConnectionAsync(
        HttpClient admin, string dataDirectory, string s3Endpoint, string bucket, int retries = 0, string kind = "Dump")
    {
        var sources = Path.Combine(dataDirectory, "sources");
        Directory.CreateDirectory(sources);
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, "chinook.sqlite"), overwrite: true);
        var created = await admin.PostAsJsonAsync("/api/v1/customers", new { name = "Notified " + Guid.NewGuid().ToString("N")[..8] });
        var customer = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var source = await (await admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var response = await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer, name = "chinook dumps", kind, bucket, region = "default", prefix = "portal/",
            endpoint = s3Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(),
            streams = new[] { new { name = "artists", table = "Artist" }, new { name = "albums", table = "Album" } },
            retries,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (customer, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    private Task<(Guid Customer, Guid Connection, string Bucket)> SetUpAsync(string bucket, int retries = 0, string kind = "Dump") =>
        ConnectionAsync(Admin, _app.DataDirectory, ceph.Endpoint, bucket, retries, kind);

    internal static async Task<(Guid Id, string? Secret)> ChannelAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/notification-channels", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetGuid(), created.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null);
    }

    internal static async Task RuleAsync(HttpClient api, object body)
    {
        var response = await api.PostAsJsonAsync("/api/v1/notification-rules", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<long> RunNowAsync(HttpClient api, Guid connection)
    {
        var started = await api.PostAsync($"/api/v1/connections/{connection}/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static string EventOf(ReceivedWebhook w) => JsonDocument.Parse(w.Body).RootElement.GetProperty("event").GetString()!;

    [Fact]
    public async Task A_dump_delivered_webhook_is_signed_and_carries_the_receipt_a_loader_starts_from()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (customer, connection, bucket) = await SetUpAsync(await ceph.CreateBucketAsync("notify"));
        var (channel, secret) = await ChannelAsync(Admin, new { name = "loader", kind = "Webhook", url = receiver.Url, customerId = customer });
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await RuleAsync(Admin, new { channelId = channel, events = new[] { "dump.delivered" }, connectionId = connection });

        var runId = await RunNowAsync(Admin, connection);
        Assert.Equal("Succeeded", (await Admin.WaitForEndAsync(runId)).GetProperty("status").GetString());
        var hook = (await receiver.WaitForAsync(w => EventOf(w) == "dump.delivered"))[0];

        Assert.True(WebhookSignature.Verify(secret!, hook.Signature, hook.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), hook.Signature);
        Assert.False(WebhookSignature.Verify(secret!, hook.Signature, hook.Body.Replace("albums", "albumz", StringComparison.Ordinal), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.StartsWith("application/json", hook.ContentType, StringComparison.Ordinal);
        var body = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal(connection, body.GetProperty("connection").GetProperty("id").GetGuid());
        Assert.Equal("chinook dumps", body.GetProperty("connection").GetProperty("name").GetString());
        Assert.Equal(customer, body.GetProperty("customer").GetProperty("id").GetGuid());
        Assert.Equal(runId, body.GetProperty("run").GetProperty("id").GetInt64());
        Assert.Equal("Succeeded", body.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal($"https://portal.example.test/runs/{runId}", body.GetProperty("run").GetProperty("url").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        // The receipt's own fields, as in the bucket: a loader needs nothing else to start.
        using var s3 = ceph.CreateClient();
        using var stored = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "portal/receipt.json" });
        var receipt = (await JsonDocument.ParseAsync(stored.ResponseStream)).RootElement;
        var sent = body.GetProperty("receipt");
        Assert.Equal(receipt.GetProperty("timestamp").GetString(), sent.GetProperty("timestamp").GetString());
        Assert.Equal(receipt.GetProperty("folder").GetString(), sent.GetProperty("folder").GetString());
        foreach (var table in receipt.GetProperty("tables").EnumerateObject())
        {
            var mine = sent.GetProperty("tables").GetProperty(table.Name);
            Assert.Equal(table.Value.GetProperty("folder").GetString(), mine.GetProperty("folder").GetString());
            Assert.Equal(table.Value.GetProperty("total_file_count").GetInt32(), mine.GetProperty("total_file_count").GetInt32());
            Assert.Equal(table.Value.GetProperty("row_count").GetInt64(), mine.GetProperty("row_count").GetInt64());
        }
        Assert.Equal(ChinookExpectations.Rows("Album").Count, sent.GetProperty("tables").GetProperty("albums").GetProperty("row_count").GetInt64());

        var log = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={channel}&event=dump.delivered");
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal("Sent", entry.GetProperty("status").GetString());
        Assert.Equal(body.GetProperty("id").GetGuid(), entry.GetProperty("eventId").GetGuid());
        Assert.Equal(runId, entry.GetProperty("runId").GetInt64());
        Assert.StartsWith("HTTP 200", entry.GetProperty("lastResponse").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_export_announces_what_it_delivered_without_a_receipt_and_a_customers_channel_hears_only_its_own()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var other = await WebhookReceiver.StartAsync();
        var (customer, connection, _) = await SetUpAsync(await ceph.CreateBucketAsync("notify-export"), kind: "StreamExport");
        var (otherCustomer, _, _) = await SetUpAsync(await ceph.CreateBucketAsync("notify-other"), kind: "StreamExport");
        var (mine, _) = await ChannelAsync(Admin, new { name = "export hook", kind = "Webhook", url = receiver.Url, customerId = customer });
        var (theirs, _) = await ChannelAsync(Admin, new { name = "their hook", kind = "Webhook", url = other.Url, customerId = otherCustomer });
        await RuleAsync(Admin, new { channelId = mine, events = new[] { "export.delivered", "dump.delivered" } });
        await RuleAsync(Admin, new { channelId = theirs, events = new[] { "export.delivered" } });

        var runId = await RunNowAsync(Admin, connection);
        Assert.Equal("Succeeded", (await Admin.WaitForEndAsync(runId)).GetProperty("status").GetString());
        var body = JsonDocument.Parse((await receiver.WaitForAsync(w => EventOf(w) == "export.delivered"))[0].Body).RootElement;
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(ChinookExpectations.Rows("Artist").Count + ChinookExpectations.Rows("Album").Count, body.GetProperty("details").GetProperty("rows").GetInt64());
        Assert.True(body.GetProperty("details").GetProperty("files").GetInt32() >= 2);
        Assert.False(body.TryGetProperty("receipt", out _));
        Assert.Empty(other.Received);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_receiver_answering_500_three_times_gets_the_same_event_on_the_fourth_attempt_and_no_more()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500);
        var (_, connection, _) = await SetUpAsync("notify-missing-" + Guid.NewGuid().ToString("N")[..8]);
        var (channel, _) = await ChannelAsync(Admin, new { name = "flaky", kind = "Webhook", url = receiver.Url });
        await RuleAsync(Admin, new { channelId = channel, events = new[] { "run.failed" } , connectionId = connection });

        var runId = await RunNowAsync(Admin, connection);
        Assert.Equal("Failed", (await Admin.WaitForEndAsync(runId)).GetProperty("status").GetString());
        var hooks = await receiver.WaitForAsync(w => EventOf(w) == "run.failed", count: 4);
        // Backoff 1 s, 2 s, 4 s: a fifth request would come within 8 s more.
        await Task.Delay(TimeSpan.FromSeconds(9));

        var all = receiver.Received.Where(w => EventOf(w) == "run.failed").ToList();
        Assert.Equal(4, all.Count);
        Assert.Equal([500, 500, 500, 200], all.Select(w => w.AnsweredWith));
        Assert.Single(all.Select(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("id").GetGuid()).Distinct());
        Assert.Single(all.Select(w => w.Body).Distinct());
        for (var i = 1; i < all.Count; i++) Assert.True(all[i].At - all[i - 1].At >= TimeSpan.FromSeconds(0.9), "retries back off");
        var entry = Assert.Single((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={channel}")).GetProperty("items").EnumerateArray());
        Assert.Equal(("Sent", 4), (entry.GetProperty("status").GetString(), entry.GetProperty("attempts").GetInt32()));
        Assert.Equal(runId, entry.GetProperty("runId").GetInt64());
    }

    [Fact]
    public async Task Failures_pause_the_connection_and_resuming_then_succeeding_sends_paused_and_recovered_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var bucket = "notify-pause-" + Guid.NewGuid().ToString("N")[..8];
        var (_, connection, _) = await SetUpAsync(bucket, retries: 1);
        var (channel, _) = await ChannelAsync(Admin, new { name = "ops", kind = "Webhook", url = receiver.Url });
        await RuleAsync(Admin, new
        {
            channelId = channel, connectionId = connection, consecutiveFailures = 2,
            events = new[] { "run.failed", "run.recovered", "connection.failing", "connection.paused", "dump.delivered" },
        });

        // PauseAfterFailures is 5 by default; each run fails twice (a retry), and counts once.
        for (var i = 1; i <= 5; i++)
        {
            var first = await RunNowAsync(Admin, connection);
            Assert.Equal("Failed", (await Admin.WaitForEndAsync(first)).GetProperty("status").GetString());
            await WaitForFailuresInARowAsync(connection, i);
        }
        var attempts = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&pageSize=100")).GetProperty("items").GetArrayLength();
        Assert.Equal(10, attempts);
        var last = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&pageSize=1")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var log = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{last}/events")).GetProperty("items").EnumerateArray();
        Assert.Contains(log, e => e.GetProperty("kind").GetString() == "Paused");
        var paused = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
        Assert.False(paused.GetProperty("enabled").GetBoolean());
        Assert.Contains("5 failed runs in a row", paused.GetProperty("pausedReason").GetString(), StringComparison.Ordinal);
        await receiver.WaitForAsync(w => EventOf(w) == "connection.paused");
        Assert.Equal(5, (await receiver.WaitForAsync(w => EventOf(w) == "run.failed", count: 5)).Count);

        using (var s3 = ceph.CreateClient()) await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connection}/resume", null)).StatusCode);
        var resumed = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
        Assert.True(resumed.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("pausedReason").ValueKind);
        var ok = await RunNowAsync(Admin, connection);
        Assert.Equal("Succeeded", (await Admin.WaitForEndAsync(ok)).GetProperty("status").GetString());
        await receiver.WaitForAsync(w => EventOf(w) == "run.recovered");
        await receiver.WaitForAsync(w => EventOf(w) == "dump.delivered");
        await Task.Delay(TimeSpan.FromSeconds(2));

        var events = receiver.Received.Select(EventOf).ToList();
        Assert.Equal(1, events.Count(e => e == "connection.paused"));
        Assert.Equal(1, events.Count(e => e == "run.recovered"));
        Assert.Equal(1, events.Count(e => e == "connection.failing"));
        Assert.Equal(5, events.Count(e => e == "run.failed"));
        var failing = JsonDocument.Parse(receiver.Received.First(w => EventOf(w) == "connection.failing").Body).RootElement;
        Assert.Equal(2, failing.GetProperty("details").GetProperty("consecutiveFailures").GetInt32());
        var recovered = JsonDocument.Parse(receiver.Received.First(w => EventOf(w) == "run.recovered").Body).RootElement;
        Assert.Equal(ok, recovered.GetProperty("run").GetProperty("id").GetInt64());
    }

    private async Task WaitForFailuresInARowAsync(Guid connection, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var c = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
            if (c.GetProperty("consecutiveFailures").GetInt32() >= count) return;
            await Task.Delay(200);
        }
        Assert.Fail($"The connection did not reach {count} failed runs in a row.");
    }

    [Fact]
    public async Task The_email_and_chat_line_of_a_failed_run_link_to_the_run_and_hold_no_secret()
    {
        await using var slack = await WebhookReceiver.StartAsync();
        var (_, connection, _) = await SetUpAsync("notify-mail-" + Guid.NewGuid().ToString("N")[..8]);
        var to = $"ops-{Guid.NewGuid():N}"[..16] + "@example.test";
        var (channel, secret) = await ChannelAsync(Admin, new { name = "ops mail", kind = "Email", email = to });
        Assert.Null(secret);
        await RuleAsync(Admin, new { channelId = channel, events = new[] { "run.failed" }, connectionId = connection });
        var (chat, chatSecret) = await ChannelAsync(Admin, new { name = "ops chat", kind = "Slack", url = slack.Url });
        Assert.Null(chatSecret);
        await RuleAsync(Admin, new { channelId = chat, events = new[] { "run.failed" }, connectionId = connection });

        var runId = await RunNowAsync(Admin, connection);
        Assert.Equal("Failed", (await Admin.WaitForEndAsync(runId)).GetProperty("status").GetString());
        var mail = await smtp.WaitForAsync(to);

        Assert.Contains($"Run {runId}", mail.Subject, StringComparison.Ordinal);
        Assert.Contains($"https://portal.example.test/runs/{runId}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://portal.example.test/runs/{runId}\"", mail.HtmlBody, StringComparison.Ordinal);
        foreach (var part in new[] { mail.TextBody, mail.HtmlBody, mail.Subject })
        {
            Assert.DoesNotContain(CephServer.SecretKey, part, StringComparison.Ordinal);
            Assert.DoesNotContain(CephServer.AccessKey, part, StringComparison.Ordinal);
            Assert.DoesNotContain(ceph.Endpoint, part, StringComparison.Ordinal);
        }
        var entry = Assert.Single((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={channel}&status=Sent")).GetProperty("items").EnumerateArray());
        Assert.StartsWith("SMTP 250", entry.GetProperty("lastResponse").GetString(), StringComparison.Ordinal);

        // Slack and Teams read {"text": …}: one line with a link, unsigned (their URL is the secret).
        var line = (await slack.WaitForAsync(_ => true))[0];
        var text = JsonDocument.Parse(line.Body).RootElement.GetProperty("text").GetString()!;
        Assert.Single(JsonDocument.Parse(line.Body).RootElement.EnumerateObject());
        Assert.Contains($"Run {runId} of chinook dumps failed", text, StringComparison.Ordinal);
        Assert.Contains($"<https://portal.example.test/runs/{runId}|Open in Portal>", text, StringComparison.Ordinal);
        Assert.Null(line.Signature);
        Assert.DoesNotContain(CephServer.SecretKey, text, StringComparison.Ordinal);
        var shown = await Admin.GetStringAsync($"/api/v1/notification-channels/{chat}");
        Assert.DoesNotContain(slack.Url, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Old_log_lines_and_matched_events_are_pruned_and_pending_ones_kept()
    {
        using var scope = _app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Actors.CurrentActor>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var channel = Guid.NewGuid();
        Notification Line(NotificationStatus status, DateTimeOffset at) =>
            new() { EventId = Guid.NewGuid(), Event = "run.failed", ChannelId = channel, Status = status, Payload = "{}", CreatedAt = at, NextAttemptAt = at.AddYears(1) };
        db.Notifications.AddRange(Line(NotificationStatus.Sent, old), Line(NotificationStatus.Failed, old), Line(NotificationStatus.Pending, old), Line(NotificationStatus.Sent, DateTimeOffset.UtcNow));
        db.OutboxEvents.AddRange(new OutboxEvent { Event = "run.failed", OccurredAt = old, DispatchedAt = old }, new OutboxEvent { Event = "run.failed", OccurredAt = old });
        await db.SaveChangesAsync();

        var removed = await scope.ServiceProvider.GetRequiredService<NotificationDispatcher>().PruneAsync(default, force: true);

        Assert.Equal(3, removed);
        Assert.Equal([NotificationStatus.Pending, NotificationStatus.Sent], db.Notifications.AsNoTracking().Where(n => n.ChannelId == channel).OrderBy(n => n.Id).Select(n => n.Status).ToList());
        Assert.Equal(1, db.OutboxEvents.AsNoTracking().Count(e => e.OccurredAt == old));
    }

    [Fact]
    public async Task Send_test_reaches_a_channel_at_once_and_is_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync(503);
        var (channel, secret) = await ChannelAsync(Admin, new { name = "test me", kind = "Webhook", url = receiver.Url });

        var failed = await (await Admin.PostAsync($"/api/v1/notification-channels/{channel}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var sent = await (await Admin.PostAsync($"/api/v1/notification-channels/{channel}/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("Failed", "test"), (failed.GetProperty("status").GetString(), failed.GetProperty("event").GetString()));
        Assert.StartsWith("HTTP 503", failed.GetProperty("lastResponse").GetString(), StringComparison.Ordinal);
        Assert.Equal("Sent", sent.GetProperty("status").GetString());
        Assert.Equal(2, receiver.Received.Count);
        Assert.True(WebhookSignature.Verify(secret!, receiver.Received.Last().Signature, receiver.Received.Last().Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));
        Assert.Equal(2, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?channelId={channel}&event=test")).GetProperty("total").GetInt32());
    }
}
