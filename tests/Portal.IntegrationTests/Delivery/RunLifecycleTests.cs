namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// A run's record against what really happened, through the API and Quartz on real Ceph and SQLite: cancels
/// that name one run, a locked database during a dump, folders of their own, and the smaller contradictions.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class RunLifecycleTests(CephServer ceph) : IDisposable
{
    private PortalAppFactory? _app;

    private PortalAppFactory App => _app ??= Start(new Dictionary<string, string?>());

    private static PortalAppFactory Start(Dictionary<string, string?> settings)
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Delivery:RetryDelay"] = "00:00:01";
        foreach (var (k, v) in settings) app.Settings[k] = v;
        return app;
    }

    public void Dispose() => _app?.Dispose();

    private HttpClient Admin => App.CreateApiClient(App.AdminToken);

    private string SourceFile => Path.Combine(App.DataDirectory, "sources", "big.sqlite");

    /// <summary>A customer, a source with a table of <paramref name="rows"/> rows and a dump connection of it into a new bucket.</summary>
    private async Task<(Guid Connection, string Bucket)> SetUpAsync(int rows, int retries = 1, object? extra = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SourceFile)!);
        if (!File.Exists(SourceFile)) BigTables.Create(SourceFile, rows);
        var customer = await App.CreateCustomerAsync("Lifecycle " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "big", kind = "sqlite", connectionString = "Data Source=big.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var bucket = await ceph.CreateBucketAsync("life");
        var body = new Dictionary<string, object?>
        {
            ["customerId"] = customer.Id, ["name"] = "big-dumps", ["kind"] = "Dump", ["bucket"] = bucket, ["region"] = "default", ["prefix"] = "portal/",
            ["endpoint"] = ceph.Endpoint, ["checksumMode"] = "WhenRequired", ["compression"] = "none",
            ["auth"] = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            ["sourceId"] = source.GetProperty("id").GetGuid(), ["streams"] = new[] { new { name = "big", table = "big" } }, ["retries"] = retries,
        };
        foreach (var p in extra?.GetType().GetProperties() ?? []) body[p.Name] = p.GetValue(extra);
        var created = await Admin.PostAsJsonAsync("/api/v1/connections", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    private async Task<long> RunNowAsync(Guid connection) =>
        (await (await Admin.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private async Task<JsonElement> RunAsync(long id) => await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}");

    private async Task WaitForRowsAsync(long run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await RunAsync(run)).GetProperty("streams").EnumerateArray().Sum(s => s.GetProperty("rows").GetInt64()) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The run never made progress.");
            await Task.Delay(50);
        }
    }

    private async Task<List<string>> EventsAsync(long run) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}/events")).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList();

    [Fact]
    public async Task Cancelling_a_queued_run_cancels_that_run_only_and_it_never_starts()
    {
        // Enough rows that A is still running while B is queued and cancelled (see below).
        var (connection, _) = await SetUpAsync(rows: 1_200_000);
        var a = await RunNowAsync(connection);
        await WaitForRowsAsync(a);
        var b = await RunNowAsync(connection);
        Assert.Equal("Queued", (await RunAsync(b)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await Admin.PostAsync($"/api/v1/runs/{b}/cancel", null)).StatusCode);

        var cancelled = await RunAsync(b);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        // A, which was running, is untouched and delivers.
        var ranA = await Admin.WaitForEndAsync(a, TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", ranA.GetProperty("status").GetString());
        Assert.Equal(1_200_000, ranA.GetProperty("rows").GetInt64());
        // Once A is done, B's job fires and finds B cancelled: B never starts.
        await Task.Delay(2000);
        var after = await RunAsync(b);
        Assert.Equal("Cancelled", after.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("startedAt").ValueKind);
        Assert.DoesNotContain("Started", await EventsAsync(b));
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PostAsync($"/api/v1/runs/{b}/cancel", null)).StatusCode);
        var runs = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}");
        Assert.Equal(2, runs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_dump_survives_a_lock_on_the_portals_database_longer_than_its_busy_timeout_and_is_recorded_succeeded_once()
    {
        _app = Start(new Dictionary<string, string?>());
        // A busy timeout of one second: the lock below outlasts it several times over.
        App.Settings["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(App.DataDirectory, "portal.db")};Default Timeout=1";
        var (connection, bucket) = await SetUpAsync(rows: 300_000, retries: 2);
        var run = await RunNowAsync(connection);
        await WaitForRowsAsync(run);

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(App.DataDirectory, "portal.db")};Pooling=False"))
        {
            await holder.OpenAsync();
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
            // The dump finishes and writes its receipt while the database is locked.
            using var s3 = ceph.CreateClient();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await ReceiptNamesAsync(s3, bucket, run))
            {
                Assert.True(DateTime.UtcNow < deadline, "The receipt never appeared.");
                await Task.Delay(200);
            }
            await Task.Delay(TimeSpan.FromSeconds(4));
            await using var commit = holder.CreateCommand();
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        var ended = await Admin.WaitForEndAsync(run, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        Assert.Equal(300_000, ended.GetProperty("rows").GetInt64());
        Assert.Equal("portal/receipt.json", ended.GetProperty("keys").EnumerateArray().Last().GetString());
        await Task.Delay(1500); // a retry would have been queued a second after a failure
        Assert.DoesNotContain("RetryScheduled", await EventsAsync(run));
        var runs = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}");
        Assert.Equal(1, runs.GetProperty("total").GetInt32());
    }

    private static async Task<bool> ReceiptNamesAsync(Amazon.S3.IAmazonS3 s3, string bucket, long run)
    {
        try
        {
            using var response = await s3.GetObjectAsync(bucket, "portal/receipt.json");
            using var reader = new StreamReader(response.ResponseStream);
            return JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.GetProperty("run_id").GetInt64() == run;
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task Schedules_more_frequent_than_the_minimum_interval_are_refused_with_a_message()
    {
        foreach (var cron in new[] { "* * * * * ?", "* * * * *", "0 */2 * * * ?", "0 0,3 12 * * ?" })
        {
            var customer = await App.CreateCustomerAsync("Cron " + Guid.NewGuid());
            var response = await Admin.PostAsJsonAsync("/api/v1/connections", new
            {
                customerId = customer.Id, name = "often", kind = "Dump", bucket = "often-bucket", region = "eu-west-1",
                auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }, schedule = cron,
            });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("schedule")[0].GetString();
            Assert.Contains("at least 5 minutes apart", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_put_without_enabled_keeps_a_paused_connection_paused()
    {
        var (connection, _) = await SetUpAsync(rows: 10, extra: new { schedule = "0 3 * * *" });
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connection}/pause", null)).StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetRawText())!.AsObject();
        body.Remove("enabled");
        body["name"] = "renamed";
        body["auth"] = new System.Text.Json.Nodes.JsonObject { ["method"] = "AccessKey", ["accessKeyId"] = CephServer.AccessKey };

        var saved = await Admin.PutAsJsonAsync($"/api/v1/connections/{connection}", body);

        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.False((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Pages_that_overflow_are_refused_and_a_list_of_states_means_either()
    {
        var (connection, _) = await SetUpAsync(rows: 10);
        var run = await RunNowAsync(connection);
        Assert.Equal("Succeeded", (await Admin.WaitForEndAsync(run)).GetProperty("status").GetString());

        foreach (var query in new[] { "page=2147483647", "page=1073741824&pageSize=2", "pageSize=0", "pageSize=100000", "status=Failed,Nope" })
            Assert.Equal(HttpStatusCode.BadRequest, (await Admin.GetAsync($"/api/v1/runs?{query}")).StatusCode);
        var both = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&status=Failed,Succeeded");
        Assert.Equal(1, both.GetProperty("total").GetInt32());
        var neither = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&status=Failed,Running");
        Assert.Equal(0, neither.GetProperty("total").GetInt32());
        var last = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?page={int.MaxValue / 50}");
        Assert.Empty(last.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Deleting_a_connection_archives_it_and_keeps_its_runs_and_audit_trail_readable()
    {
        // Enough rows that the second run is still running when the connection is deleted (dumps got about three times
        // faster with issue 18: 400,000 rows could end first, and the queued run then started).
        var (connection, _) = await SetUpAsync(rows: 1_200_000);
        var run = await RunNowAsync(connection);
        Assert.Equal("Succeeded", (await Admin.WaitForEndAsync(run, TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        var running = await RunNowAsync(connection);
        await WaitForRowsAsync(running);
        var queued = await RunNowAsync(connection);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/connections/{connection}")).StatusCode);

        // What was queued never starts; what was running is stopped; neither is retried.
        var never = await RunAsync(queued);
        Assert.Equal("Cancelled", never.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, never.GetProperty("startedAt").ValueKind);
        // (A dump that finished before its next heartbeat read the cancel is recorded as it ended: delivered.)
        Assert.Contains((await Admin.WaitForEndAsync(running, TimeSpan.FromSeconds(30))).GetProperty("status").GetString(), new[] { "Cancelled", "Succeeded" });

        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/connections/{connection}")).StatusCode);
        Assert.Equal("Succeeded", (await RunAsync(run)).GetProperty("status").GetString());
        Assert.Contains("Started", await EventsAsync(run));
        Assert.Equal(3, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}")).GetProperty("total").GetInt32());
        Assert.Equal(3, (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/runs?q=big-dumps")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&needsAttention=true")).GetProperty("total").GetInt32());
        Assert.DoesNotContain((await Admin.GetFromJsonAsync<JsonElement>("/api/v1/connections")).GetProperty("items").EnumerateArray(),
            c => c.GetProperty("id").GetGuid() == connection);
    }

    [Fact]
    public async Task Cursor_columns_are_read_from_the_source_when_saved_and_unorderable_or_mixed_ones_are_refused_by_name()
    {
        var sources = Path.Combine(App.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        BigTables.Execute(Path.Combine(sources, "typed.sqlite"), """
            CREATE TABLE events (id INTEGER PRIMARY KEY, seq, payload BLOB, flag BOOLEAN, mixed, updated_at TIMESTAMP, untyped_empty);
            INSERT INTO events (id, seq, payload, flag, mixed, updated_at) VALUES (1, 99, x'00', 1, 5, '2025-01-01 10:00:00'), (2, 100, x'01', 0, 'five', '2025-01-02 10:00:00');
            """);
        var customer = await App.CreateCustomerAsync("Cursors " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "typed", kind = "sqlite", connectionString = "Data Source=typed.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        async Task<HttpResponseMessage> SaveAsync(string column, string? start = null) => await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "export-" + Guid.NewGuid().ToString("N")[..6], kind = "StreamExport", bucket = "cursor-bucket", region = "eu-west-1",
            auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
            sourceId = source.GetProperty("id").GetGuid(), format = "jsonl",
            streams = new[] { new { name = "events", table = "events", cursorColumn = column, cursorStart = start } },
        });
        async Task<string> RefusedAsync(string column, string field, string? start = null)
        {
            var response = await SaveAsync(column, start);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)[0].GetString()!;
        }

        Assert.Contains("'payload'", await RefusedAsync("payload", "streams[0].cursorColumn"), StringComparison.Ordinal);
        Assert.Contains("'flag'", await RefusedAsync("flag", "streams[0].cursorColumn"), StringComparison.Ordinal);
        Assert.Contains("'mixed'", await RefusedAsync("mixed", "streams[0].cursorColumn"), StringComparison.Ordinal);
        Assert.Contains("'missing'", await RefusedAsync("missing", "streams[0].cursorColumn"), StringComparison.Ordinal);
        Assert.Contains("'ninety'", await RefusedAsync("seq", "streams[0].cursorStart", "ninety"), StringComparison.Ordinal);

        // An untyped column holding numbers is an integer cursor; its start must be a number.
        var saved = await SaveAsync("seq", "98");
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        Assert.Equal("Integer", (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streams")[0].GetProperty("cursorKind").GetString());
        // An untyped column with no values yet is saved; its kind is read at the first run that finds values.
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("untyped_empty")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SaveAsync("updated_at", "2024-12-31 00:00:00")).StatusCode);
    }

    [Fact]
    public async Task A_dump_template_without_dump_time_is_refused()
    {
        var customer = await App.CreateCustomerAsync("Template " + Guid.NewGuid());
        var response = await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "flat", kind = "Dump", bucket = "flat-bucket", region = "eu-west-1", template = "{stream_name}/{stream_name}_{part}.{extension}",
            auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("{dump_time}", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("template")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attempt_that_another_took_over_from_is_not_recorded_succeeded_and_database_errors_that_pass_are_told_apart()
    {
        var (connection, _) = await SetUpAsync(rows: 10);
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Actors.CurrentActor>().ActAsSystem();
        var recorder = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Runs.RunRecorder>();
        var entity = await scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Connections.ConnectionService>().FindAsync(connection, default);
        var first = await recorder.CreateAsync(entity!, new Portal.Core.Runs.RunTicket(Portal.Core.Runs.RunTrigger.Schedule), default);
        Assert.True(await recorder.StartAsync(first.Id, ["big"], "node-a", null, default));
        Assert.True(await recorder.FailAsync(first.Id, Portal.Core.Runs.Run.InterruptedError, [], default));
        await recorder.CreateAsync(entity!, Portal.Core.Runs.RunTicket.NextAttempt(first, null), default);

        var outcome = new Portal.Infrastructure.Delivery.DeliveryOutcome([], null);
        Assert.False(await recorder.SucceedAsync(first.Id, outcome, default));
        Assert.Equal("Failed", (await RunAsync(first.Id)).GetProperty("status").GetString());

        Assert.True(Portal.Infrastructure.Runs.RunFailure.IsTransientDatabaseError(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)));
        Assert.True(Portal.Infrastructure.Runs.RunFailure.IsTransientDatabaseError(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(Portal.Infrastructure.Runs.RunFailure.IsTransientDatabaseError(new Microsoft.Data.Sqlite.SqliteException("constraint failed", 19)));
        Assert.False(Portal.Infrastructure.Runs.RunFailure.IsTransientDatabaseError(new InvalidOperationException("Sequence contains no elements")));
    }
}
