namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Jobs;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;
using Quartz;

/// <summary>Runs through the API and Quartz, against Ceph: the whole path an operator uses.</summary>
[Collection(CephCollection.Name)]
public sealed class RunsTests(CephServer ceph) : IDisposable
{
    private readonly PortalAppFactory _app = CreateApp();

    private static PortalAppFactory CreateApp()
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Delivery:RequestTimeout"] = "00:00:10";
        app.Settings["Portal:Delivery:RetryDelay"] = "00:00:01";
        return app;
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Admin => _app.CreateApiClient(_app.AdminToken);

    private async Task<(Guid ConnectionId, string Bucket)> SetUpAsync(string? bucket = null, string? schedule = null, int retries = 0)
    {
        var sources = Path.Combine(_app.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, "chinook.sqlite"), overwrite: true);
        var customer = await _app.CreateCustomerAsync("Runs " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        bucket ??= await ceph.CreateBucketAsync("runs");
        var response = await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "chinook-dumps", kind = "Dump", bucket, region = "default", prefix = "portal/",
            endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(),
            streams = new[] { new { name = "artists", table = "Artist" }, new { name = "albums", table = "Album" } },
            schedule, retries,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    private Task<JsonElement> WaitForEndAsync(long runId) => Admin.WaitForEndAsync(runId);

    [Fact]
    public async Task Run_now_answers_202_and_the_run_succeeds_with_its_streams_and_keys()
    {
        var (connectionId, _) = await SetUpAsync();

        var started = await Admin.PostAsync($"/api/v1/connections/{connectionId}/runs", null);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await WaitForEndAsync(runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("Manual", run.GetProperty("trigger").GetString());
        Assert.Equal(1, run.GetProperty("attempt").GetInt32());
        var streams = run.GetProperty("streams").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("rows").GetInt64());
        Assert.Equal(ChinookExpectations.Rows("Artist").Count, streams["artists"]);
        Assert.Equal(ChinookExpectations.Rows("Album").Count, streams["albums"]);
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        Assert.Equal("portal/receipt.json", keys[^1]);
        Assert.Contains(keys, k => k.EndsWith("/albums/albums_000000000000.ndjson.gz", StringComparison.Ordinal));
        var events = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/events")).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString(), e.TryGetProperty("stream", out var s) ? s.GetString() : null)).ToList();
        Assert.Equal(("Started", null), events[0]);
        Assert.Contains(("StreamFinished", "albums"), events);
        Assert.Equal("Succeeded", events[^1].Item1);
    }

    [Fact]
    public async Task A_sources_tables_are_read_from_its_schema_and_files_outside_the_root_are_refused()
    {
        await SetUpAsync();
        var customer = await _app.CreateCustomerAsync("Tables " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var tables = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{source.GetProperty("id").GetGuid()}/tables");

        var items = tables.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(ChinookExpectations.Tables(), items.Select(t => t.GetProperty("name").GetString()!).Where(t => ChinookExpectations.Tables().Contains(t)));
        // Columns come with their kinds, and only orderable ones can be a cursor.
        var invoice = items.Single(t => t.GetProperty("name").GetString() == "Invoice").GetProperty("columns").EnumerateArray().ToList();
        var date = invoice.Single(c => c.GetProperty("name").GetString() == "InvoiceDate");
        Assert.Equal("timestamp", date.GetProperty("kind").GetString());
        Assert.True(date.GetProperty("orderable").GetBoolean());
        Assert.Equal("integer", invoice.Single(c => c.GetProperty("name").GetString() == "InvoiceId").GetProperty("kind").GetString());
        foreach (var outside in new[] { "Data Source=/etc/passwd", "Data Source=../portal.db", "Data Source=missing.sqlite" })
        {
            var refused = await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "x" + Guid.NewGuid().ToString("N")[..6], kind = "sqlite", connectionString = outside });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("connectionString", out _), outside);
        }
    }

    [Fact]
    public async Task A_symlink_leading_out_of_the_root_is_refused()
    {
        await SetUpAsync();
        var customer = await _app.CreateCustomerAsync("Link " + Guid.NewGuid());
        var link = Path.Combine(_app.DataDirectory, "sources", "escape.sqlite");
        File.CreateSymbolicLink(link, Path.Combine(_app.DataDirectory, "portal.db"));

        var refused = await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "escape", kind = "sqlite", connectionString = "Data Source=escape.sqlite" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task A_run_into_a_missing_bucket_fails_with_the_error_in_plain_words()
    {
        var (connectionId, _) = await SetUpAsync(bucket: "runs-no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]);

        var runId = await RunNowAsync(connectionId);

        var run = await WaitForEndAsync(runId);
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Contains("bucket", run.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        // Where it happened: a dump first looks for a folder of its own in the bucket, before any stream starts.
        Assert.Equal("choosing the dump's folder", run.GetProperty("errorStep").GetString());
        Assert.Contains("NoSuchBucket", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        var log = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/events")).GetProperty("items").EnumerateArray().ToList();
        Assert.DoesNotContain(log, e => e.GetProperty("kind").GetString() == "StreamStarted");
        Assert.Contains(run.GetProperty("errorStep").GetString()!, log[^1].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_successful_run_logs_each_stream_and_part_and_times_each_stream()
    {
        var (connectionId, _) = await SetUpAsync();

        var run = await WaitForEndAsync(await RunNowAsync(connectionId));

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var log = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run.GetProperty("id").GetInt64()}/events")).GetProperty("items").EnumerateArray()
            .Select(e => (Kind: e.GetProperty("kind").GetString(), Stream: e.TryGetProperty("stream", out var st) ? st.GetString() : null)).ToList();
        Assert.Equal("Started", log[0].Kind);
        Assert.Equal("Succeeded", log[^1].Kind);
        foreach (var stream in new[] { "artists", "albums" })
        {
            var kinds = log.Where(e => e.Stream == stream).Select(e => e.Kind).ToList();
            Assert.Equal("StreamStarted", kinds[0]);
            Assert.Equal("StreamFinished", kinds[^1]);
            Assert.Equal(run.GetProperty("streams").EnumerateArray().Single(x => x.GetProperty("name").GetString() == stream).GetProperty("parts").GetInt32(),
                kinds.Count(k => k == "PartUploaded"));
        }
        Assert.Contains(log, e => e.Kind == "ReceiptWritten");
        Assert.All(run.GetProperty("streams").EnumerateArray(), x =>
            Assert.True(x.GetProperty("finishedAt").GetDateTimeOffset() >= x.GetProperty("startedAt").GetDateTimeOffset()));
        // Each stream knew its row count up front, for a progress bar that fills.
        Assert.All(run.GetProperty("streams").EnumerateArray(), x => Assert.Equal(x.GetProperty("rows").GetInt64(), x.GetProperty("total").GetInt64()));
        Assert.True(run.GetProperty("heartbeatAt").GetDateTimeOffset() >= run.GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_running_run_without_a_heartbeat_for_the_configured_time_is_failed()
    {
        using var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Runs:HeartbeatTimeout"] = "00:00:05";
        app.Settings["Portal:Runs:CheckInterval"] = "00:00:01";
        var admin = app.CreateApiClient(app.AdminToken);
        var customer = await app.CreateCustomerAsync("Silent " + Guid.NewGuid());
        var created = await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "silent", kind = "Dump", bucket = "silent-bucket", region = "default", endpoint = ceph.Endpoint,
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var connectionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        long silent, alive;
        await using (var scope = app.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
            var now = DateTimeOffset.UtcNow;
            Portal.Core.Runs.Run Running(DateTimeOffset beat) => new()
            {
                ConnectionId = connectionId, CustomerId = customer.Id, Status = Portal.Core.Runs.RunStatus.Running,
                QueuedAt = now.AddMinutes(-10), StartedAt = now.AddMinutes(-10), HeartbeatAt = beat,
            };
            var a = Running(now.AddMinutes(-1));
            var b = Running(now.AddMinutes(10)); // beats "in the future": stays alive for the whole test
            db.Runs.AddRange(a, b);
            await db.SaveChangesAsync();
            (silent, alive) = (a.Id, b.Id);
        }

        var run = await admin.WaitForEndAsync(silent, TimeSpan.FromSeconds(30));

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Contains("no heartbeat", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("Running", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{alive}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failed_run_is_retried_as_the_connection_says_and_each_attempt_is_recorded()
    {
        var (connectionId, _) = await SetUpAsync(bucket: "runs-no-such-bucket-" + Guid.NewGuid().ToString("N")[..8], retries: 1);

        var first = await RunNowAsync(connectionId);
        Assert.Equal("Failed", (await WaitForEndAsync(first)).GetProperty("status").GetString());

        await using var scope = _app.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<Portal.Core.Runs.Run> runs;
        do
        {
            await Task.Delay(250);
            runs = db.Runs.AsNoTracking().Where(r => r.ConnectionId == connectionId).OrderBy(r => r.Id).ToList();
        }
        while ((runs.Count < 2 || runs[^1].Status is Portal.Core.Runs.RunStatus.Queued or Portal.Core.Runs.RunStatus.Running) && DateTime.UtcNow < deadline);

        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal(first, runs[1].PreviousAttemptId);
        var log = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{first}/events")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("stream").ValueKind == JsonValueKind.Null).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Started", "Failed", "RetryScheduled"], log);
        Assert.Equal([first, runs[1].Id], (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{first}")).GetProperty("attempts").EnumerateArray().Select(a => a.GetInt64()));
        Assert.All(runs, r => Assert.Equal(Portal.Core.Runs.RunStatus.Failed, r.Status));
        Assert.All(runs, r => Assert.Equal(Portal.Core.Runs.RunTrigger.Manual, r.Trigger));
        await Task.Delay(2500); // retries = 1: no third attempt
        Assert.Equal(2, db.Runs.Count(r => r.ConnectionId == connectionId));
    }

    private async Task<long> RunNowAsync(Guid connectionId) =>
        (await (await Admin.PostAsync($"/api/v1/connections/{connectionId}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    [Fact]
    public async Task A_rerun_of_a_failed_dump_delivers_completely_and_resolves_the_failure()
    {
        var bucket = "runs-later-" + Guid.NewGuid().ToString("N")[..8];
        var (connectionId, _) = await SetUpAsync(bucket: bucket);
        var failed = await RunNowAsync(connectionId);
        Assert.Equal("Failed", (await WaitForEndAsync(failed)).GetProperty("status").GetString());
        using (var s3 = ceph.CreateClient()) await s3.PutBucketAsync(bucket); // the customer fixes the bucket

        var rerun = await Admin.PostAsync($"/api/v1/runs/{failed}/rerun", null);

        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        var rerunId = (await rerun.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var done = await WaitForEndAsync(rerunId);
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.Equal("Rerun", done.GetProperty("trigger").GetString());
        Assert.Equal(failed, done.GetProperty("rerunOf").GetInt64());
        Assert.Equal("portal/receipt.json", done.GetProperty("keys").EnumerateArray().Last().GetString());
        Assert.True((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{failed}")).GetProperty("resolved").GetBoolean());
        var conflict = await Admin.PostAsync($"/api/v1/runs/{rerunId}/rerun", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var attention = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connectionId}&needsAttention=true");
        Assert.Equal(0, attention.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Rerun_failed_with_a_filter_reruns_exactly_the_matching_runs()
    {
        var (a, _) = await SetUpAsync(bucket: "runs-missing-a-" + Guid.NewGuid().ToString("N")[..8]);
        var (b, _) = await SetUpAsync(bucket: "runs-missing-b-" + Guid.NewGuid().ToString("N")[..8]);
        var failedA1 = await RunNowAsync(a);
        await WaitForEndAsync(failedA1);
        var failedA2 = await RunNowAsync(a);
        var failedB = await RunNowAsync(b);
        await WaitForEndAsync(failedA2);
        await WaitForEndAsync(failedB);

        var response = await Admin.PostAsync($"/api/v1/runs/rerun-failed?connectionId={a}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var started = body.GetProperty("runs").EnumerateArray().Select(r => r.GetInt64()).ToList();
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        var rerunOf = await RerunOfAsync(body);
        Assert.Equal([failedA1, failedA2], rerunOf.Order());
        var ofB = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={b}");
        Assert.Equal(1, ofB.GetProperty("total").GetInt32());
        // Each failure is rerun once: asking again while the reruns are queued or running starts none.
        foreach (var id in started) await WaitForEndAsync(id);
        var again = await (await Admin.PostAsync($"/api/v1/runs/rerun-failed?connectionId={a}", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, again.GetProperty("count").GetInt32()); // the two reruns failed too (the bucket is still missing): they are rerun, not the originals
        Assert.DoesNotContain(failedA1, await RerunOfAsync(again));
    }

    private async Task<List<long>> RerunOfAsync(JsonElement rerunFailed)
    {
        var of = new List<long>();
        foreach (var id in rerunFailed.GetProperty("runs").EnumerateArray())
            of.Add((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id.GetInt64()}")).GetProperty("rerunOf").GetInt64());
        return of;
    }

    [Fact]
    public async Task Cancelling_a_running_dump_leaves_the_receipt_unchanged_and_no_open_upload()
    {
        var (connectionId, bucket) = await SetUpAsync();
        var first = await RunNowAsync(connectionId);
        Assert.Equal("Succeeded", (await WaitForEndAsync(first)).GetProperty("status").GetString());
        using var s3 = ceph.CreateClient();
        var receipt = await ReadAsync(s3, bucket, "portal/receipt.json");
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "sources", "chinook.sqlite")};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT); "
                + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500000) "
                + "INSERT INTO big SELECT i, 'row ' || i || ' ' || hex(randomblob(32)) FROM n;";
            command.ExecuteNonQuery();
        }
        var body = System.Text.Json.Nodes.JsonNode.Parse((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connectionId}")).GetRawText())!.AsObject();
        body["streams"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "big", ["table"] = "big" });
        body["compression"] = "none";
        body["auth"] = new System.Text.Json.Nodes.JsonObject { ["method"] = "AccessKey", ["accessKeyId"] = CephServer.AccessKey };
        var saved = await Admin.PutAsJsonAsync($"/api/v1/connections/{connectionId}", body);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        var running = await RunNowAsync(connectionId);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{running}")).GetProperty("streams").EnumerateArray().Sum(s => s.GetProperty("rows").GetInt64()) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The run never made progress.");
            await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.Accepted, (await Admin.PostAsync($"/api/v1/runs/{running}/cancel", null)).StatusCode);

        var cancelled = await WaitForEndAsync(running);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(receipt, await ReadAsync(s3, bucket, "portal/receipt.json"));
        Assert.Empty((await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PostAsync($"/api/v1/runs/{running}/cancel", null)).StatusCode);
    }

    private static async Task<byte[]> ReadAsync(Amazon.S3.IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Pause_stops_the_schedule_and_resume_restarts_it()
    {
        var (connectionId, _) = await SetUpAsync(schedule: "0 3 * * *");
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var key = ConnectionScheduler.ScheduleOf(connectionId);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connectionId}/pause", null)).StatusCode);
        Assert.Equal(TriggerState.Paused, await scheduler.GetTriggerState(key));
        Assert.False((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connectionId}")).GetProperty("enabled").GetBoolean());

        // Paused is the schedule only: a run asked for by hand still runs, also one queued just before the pause.
        var byHand = await RunNowAsync(connectionId);
        Assert.Equal("Succeeded", (await WaitForEndAsync(byHand)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connectionId}/resume", null)).StatusCode);
        Assert.Equal(TriggerState.Normal, await scheduler.GetTriggerState(key));

        var queued = await RunNowAsync(connectionId);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connectionId}/pause", null)).StatusCode);
        Assert.Equal("Succeeded", (await WaitForEndAsync(queued)).GetProperty("status").GetString());
        Assert.Equal(TriggerState.Paused, await scheduler.GetTriggerState(key));
    }

    [Fact]
    public async Task Run_actions_are_for_operators_and_a_customer_sees_only_their_runs()
    {
        var (connectionId, _) = await SetUpAsync(bucket: "runs-missing-r-" + Guid.NewGuid().ToString("N")[..8]);
        var failed = await RunNowAsync(connectionId);
        await WaitForEndAsync(failed);
        var other = await _app.CreateCustomerAsync("Other " + Guid.NewGuid());
        var customer = _app.CreateApiClient((await _app.CreateUserAsync(Portal.Core.Access.Roles.Customer, other.Id)).Token);
        var cs = _app.CreateApiClient((await _app.CreateUserAsync(Portal.Core.Access.Roles.CustomerSuccess)).Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateApiClient(null).PostAsync($"/api/v1/runs/{failed}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/api/v1/runs/{failed}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cs.PostAsync($"/api/v1/runs/{failed}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/api/v1/connections/{connectionId}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/api/v1/runs/{failed}")).StatusCode);
        Assert.Equal(0, (await customer.GetFromJsonAsync<JsonElement>("/api/v1/runs")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync($"/api/v1/runs/{failed}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.GetAsync("/api/v1/runs?status=Exploded")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/api/v1/connections/{connectionId}/runs", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync("/api/v1/runs/rerun-failed", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"/api/v1/connections/{connectionId}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cs.PostAsync($"/api/v1/runs/{failed}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateApiClient(null).GetAsync("/api/v1/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateApiClient(null).PostAsync($"/api/v1/connections/{connectionId}/pause", null)).StatusCode);

        // Customer success may run a connection now; every action is audited with its user.
        var byCs = await cs.PostAsync($"/api/v1/connections/{connectionId}/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, byCs.StatusCode);
        var rerun = (await (await Admin.PostAsync($"/api/v1/runs/{failed}/rerun", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connectionId}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"/api/v1/connections/{connectionId}/resume", null)).StatusCode);
        await WaitForEndAsync(rerun);
        await using var scope = _app.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        var audit = await db.AuditEntries.AsNoTracking().Where(e => e.At > since).OrderBy(e => e.Id)
            .Select(e => new { e.Action, e.EntityId, e.UserId, e.Actor }).ToListAsync();
        var started = (await byCs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(audit, e => e.Action == "RunStarted" && e.EntityId == started && e.UserId != null);
        Assert.Contains(audit, e => e.Action == "RunRerun" && e.EntityId == failed.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.UserId != null);
        Assert.Contains(audit, e => e.Action == "ConnectionPaused" && e.EntityId == connectionId.ToString() && e.UserId != null);
        Assert.Contains(audit, e => e.Action == "ConnectionResumed" && e.EntityId == connectionId.ToString() && e.UserId != null);
    }

    [Fact]
    public async Task Saving_a_connection_schedules_it_in_utc_and_disabling_pauses_it()
    {
        var (connectionId, _) = await SetUpAsync(schedule: "0 3 * * *");
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        var trigger = (ICronTrigger)(await scheduler.GetTrigger(ConnectionScheduler.ScheduleOf(connectionId)))!;
        Assert.Equal("0 0 3 * * ?", trigger.CronExpressionString); // Quartz's spelling of "0 3 * * *"
        Assert.Equal(TimeZoneInfo.Utc.Id, trigger.TimeZone.Id);
        Assert.Equal(TriggerState.Normal, await scheduler.GetTriggerState(trigger.Key));

        var body = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connectionId}");
        var update = System.Text.Json.Nodes.JsonNode.Parse(body.GetRawText())!.AsObject();
        update["enabled"] = false;
        update["auth"] = new System.Text.Json.Nodes.JsonObject { ["method"] = "AccessKey", ["accessKeyId"] = CephServer.AccessKey };
        var saved = await Admin.PutAsJsonAsync($"/api/v1/connections/{connectionId}", update);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());

        Assert.Equal(TriggerState.Paused, await scheduler.GetTriggerState(trigger.Key));
        Assert.True(await scheduler.Exists(ConnectionScheduler.JobOf(connectionId)));
    }
}
