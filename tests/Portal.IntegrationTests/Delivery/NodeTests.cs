namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Real portal processes around one delivery: two processes on one SQLite file, a process killed between the
/// last part and the receipt and between the receipt and the record, a cancel issued on another node, and the
/// PostgreSQL connection dropped in the middle of a dump. Real Ceph, SQLite and PostgreSQL.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class NodeTests(CephServer ceph) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "portal-node-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _token = "ptl_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    private readonly List<PortalProcess> _processes = [];
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync();
        await _postgres.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private string PortalDb => Path.Combine(_data, "portal.db");

    private PortalProcess Start(Dictionary<string, string>? extra = null, bool worker = false)
    {
        Directory.CreateDirectory(_data);
        var settings = new Dictionary<string, string>
        {
            ["Portal:DataDirectory"] = _data,
            ["ConnectionStrings:Portal"] = $"Data Source={PortalDb}",
            ["Portal:Bootstrap:AdminEmail"] = "admin@node.test",
            ["Portal:Bootstrap:AdminPassword"] = "Admin-Passw0rd!-node",
            ["Portal:Bootstrap:AdminApiToken"] = _token,
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var process = PortalProcess.Start(settings, worker);
        _processes.Add(process);
        return process;
    }

    /// <summary>A customer, a source of <paramref name="rows"/> rows and a dump connection without retries; returns its id and bucket.</summary>
    private async Task<(Guid Connection, string Bucket)> SetUpAsync(HttpClient api, int rows)
    {
        Directory.CreateDirectory(Path.Combine(_data, "sources"));
        BigTables.Create(Path.Combine(_data, "sources", "big.sqlite"), rows);
        var customer = await (await api.PostAsJsonAsync("/api/v1/customers", new { name = "Node " + Guid.NewGuid().ToString("N")[..6] })).Content.ReadFromJsonAsync<JsonElement>();
        var source = await (await api.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.GetProperty("id").GetGuid(), name = "big", kind = "sqlite", connectionString = "Data Source=big.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var bucket = await ceph.CreateBucketAsync("node");
        var created = await api.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.GetProperty("id").GetGuid(), name = "big-dumps", kind = "Dump", bucket, region = "default", prefix = "portal/",
            endpoint = ceph.Endpoint, checksumMode = "WhenRequired", compression = "none",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(), streams = new[] { new { name = "big", table = "big" } }, retries = 0,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    private static async Task<long> RunNowAsync(HttpClient api, Guid connection) =>
        (await (await api.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private static async Task<JsonElement> WaitForAsync(HttpClient api, long run, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}");
            if (done(r)) return r;
            Assert.True(DateTime.UtcNow < deadline, $"Run {run} never got there: {r}");
            await Task.Delay(100);
        }
    }

    private static bool Moving(JsonElement run) => run.GetProperty("status").GetString() == "Running" && run.GetProperty("rows").GetInt64() > 0
        || run.GetProperty("streams").EnumerateArray().Any(s => s.GetProperty("rows").GetInt64() > 0);

    private async Task<JsonElement?> ReceiptAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        try
        {
            using var response = await s3.GetObjectAsync(bucket, "portal/receipt.json");
            using var reader = new StreamReader(response.ResponseStream);
            return JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<List<string>> KeysAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        return ((await s3.ListObjectsV2Async(new() { BucketName = bucket, Prefix = "portal/" })).S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private async Task<int> OpenUploadsAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        return (await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads?.Count ?? 0;
    }

    [Fact]
    public async Task A_second_process_on_the_same_sqlite_file_runs_no_workers_and_the_first_ones_run_succeeds()
    {
        var first = Start();
        var api = await first.ApiAsync(_token);
        var (connection, bucket) = await SetUpAsync(api, 400_000);
        var run = await RunNowAsync(api, connection);
        await WaitForAsync(api, run, Moving, TimeSpan.FromSeconds(60));

        var second = Start();
        var api2 = await second.ApiAsync(_token);
        await second.WaitForOutputAsync("Another process runs the workers on", TimeSpan.FromSeconds(10));

        var ended = await WaitForAsync(api2, run, r => r.GetProperty("status").GetString() is not ("Queued" or "Running"), TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        Assert.Equal(1, ended.GetProperty("attempt").GetInt32());
        Assert.Equal(400_000, ended.GetProperty("rows").GetInt64());
        Assert.Equal(run, (await ReceiptAsync(bucket))!.Value.GetProperty("run_id").GetInt64());
        Assert.Equal(1, (await api2.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}")).GetProperty("total").GetInt32());
        Assert.DoesNotContain(second.Output, l => l.Contains("were left running", StringComparison.Ordinal));

        // The first process goes away: the second takes the workers over and runs what is asked of it.
        await first.KillAsync();
        var next = await RunNowAsync(api2, connection);
        var nextEnded = await api2.WaitForEndAsync(next, TimeSpan.FromSeconds(120));
        Assert.Equal("Succeeded", nextEnded.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_process_killed_between_the_receipt_and_the_record_is_reconciled_from_the_bucket_and_nothing_is_delivered_again()
    {
        var portal = Start();
        var api = await portal.ApiAsync(_token);
        var (connection, bucket) = await SetUpAsync(api, 200_000);
        var run = await RunNowAsync(api, connection);
        await WaitForAsync(api, run, r => Moving(r) && r.GetProperty("dumpFolder").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));

        // The portal's database is locked: the dump completes and writes its receipt, but cannot record its end.
        byte[] receiptBytes;
        await using (var holder = new SqliteConnection($"Data Source={PortalDb};Pooling=False"))
        {
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while ((await ReceiptAsync(bucket))?.GetProperty("run_id").GetInt64() != run)
            {
                Assert.True(DateTime.UtcNow < deadline, "The receipt never appeared.");
                await Task.Delay(100);
            }
            using var s3 = ceph.CreateClient();
            using var response = await s3.GetObjectAsync(bucket, "portal/receipt.json");
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            receiptBytes = buffer.ToArray();
            await portal.KillAsync();
        }
        var keysBefore = await KeysAsync(bucket);

        var restarted = Start();
        api = await restarted.ApiAsync(_token);
        var ended = await WaitForAsync(api, run, r => r.GetProperty("status").GetString() is not ("Queued" or "Running"), TimeSpan.FromSeconds(60));
        await Task.Delay(3000); // time for Quartz recovery to (not) start another attempt

        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        Assert.Equal(200_000, ended.GetProperty("rows").GetInt64());
        Assert.Equal("portal/receipt.json", ended.GetProperty("keys").EnumerateArray().Last().GetString());
        var events = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}/events")).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("Reconciled", events);
        Assert.Equal(1, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}")).GetProperty("total").GetInt32());
        using (var s3 = ceph.CreateClient())
        {
            using var response = await s3.GetObjectAsync(bucket, "portal/receipt.json");
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            Assert.Equal(receiptBytes, buffer.ToArray());
        }
        Assert.Equal(keysBefore, await KeysAsync(bucket));
        Assert.Equal(0, await OpenUploadsAsync(bucket));
    }

    [Fact]
    public async Task A_process_killed_between_the_last_part_and_the_receipt_is_retried_into_the_same_folder_and_the_bucket_holds_one_dump()
    {
        var portal = Start(new() { ["Portal:Delivery:PauseBeforeReceipt"] = "00:02:00" });
        var api = await portal.ApiAsync(_token);
        var (connection, bucket) = await SetUpAsync(api, 100_000);
        var run = await RunNowAsync(api, connection);
        var running = await WaitForAsync(api, run, r => r.GetProperty("dumpFolder").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));
        var folder = running.GetProperty("dumpFolder").GetString();
        // The schema file is written after the stream's last part: from then on the run waits before its receipt.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await KeysAsync(bucket)).Contains($"portal/{folder}/schemas/bigquery/big.json"))
        {
            Assert.True(DateTime.UtcNow < deadline, "The schema file never appeared.");
            await Task.Delay(100);
        }
        await portal.KillAsync();
        Assert.Null(await ReceiptAsync(bucket));

        var restarted = Start();
        api = await restarted.ApiAsync(_token);
        var killed = await WaitForAsync(api, run, r => r.GetProperty("status").GetString() is not ("Queued" or "Running"), TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", killed.GetProperty("status").GetString());
        var retry = await WaitForAsync(api, run + 1, r => r.GetProperty("status").GetString() is not ("Queued" or "Running"), TimeSpan.FromSeconds(120));

        Assert.Equal("Succeeded", retry.GetProperty("status").GetString());
        Assert.Equal(run, retry.GetProperty("previousAttempt").GetInt64());
        Assert.Equal(folder, retry.GetProperty("dumpFolder").GetString());
        var receipt = (await ReceiptAsync(bucket))!.Value;
        Assert.Equal(run + 1, receipt.GetProperty("run_id").GetInt64());
        Assert.Equal($"portal/{folder}", receipt.GetProperty("folder").GetString());
        // One dump in the bucket: the retry's files, its schema and the receipt, nothing of the killed attempt beside them.
        var keys = await KeysAsync(bucket);
        Assert.All(keys.Where(k => k != "portal/receipt.json"), k => Assert.StartsWith($"portal/{folder}/", k, StringComparison.Ordinal));
        Assert.Equal(receipt.GetProperty("tables").GetProperty("big").GetProperty("total_file_count").GetInt32() + 2, keys.Count);
        Assert.Equal(100_000, receipt.GetProperty("tables").GetProperty("big").GetProperty("row_count").GetInt64());
        Assert.Equal(0, await OpenUploadsAsync(bucket));
        var verify = await api.PostAsync($"/api/v1/connections/{connection}/receipt/verify?sha256=true", null);
        var tables = (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tables");
        Assert.All(tables.EnumerateArray(), t => Assert.Equal("complete", t.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_cancel_issued_on_a_web_node_stops_the_run_on_a_worker_node_within_ten_seconds()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var pg = new Dictionary<string, string> { ["Portal:Database:Provider"] = "Postgres", ["ConnectionStrings:Portal"] = database };
        var web = Start(new(pg) { ["Portal:RunWorkers"] = "false" });
        var api = await web.ApiAsync(_token);
        var worker = Start(pg, worker: true);
        await worker.WaitForOutputAsync("Workers started", TimeSpan.FromSeconds(60));
        var (connection, bucket) = await SetUpAsync(api, 1_500_000);
        var run = await RunNowAsync(api, connection);
        var running = await WaitForAsync(api, run, Moving, TimeSpan.FromSeconds(90));
        Assert.NotEqual(JsonValueKind.Null, running.GetProperty("node").ValueKind);

        var asked = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/runs/{run}/cancel", null)).StatusCode);
        var cancelled = await WaitForAsync(api, run, r => r.GetProperty("status").GetString() != "Running", TimeSpan.FromSeconds(30));

        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.True(DateTime.UtcNow - asked < TimeSpan.FromSeconds(10), $"Took {DateTime.UtcNow - asked}.");
        Assert.Null(await ReceiptAsync(bucket));
        Assert.Equal(0, await OpenUploadsAsync(bucket));
        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task A_dump_outlives_its_postgresql_connections_being_dropped_and_is_recorded_succeeded_once()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var portal = Start(new() { ["Portal:Database:Provider"] = "Postgres", ["ConnectionStrings:Portal"] = database });
        var api = await portal.ApiAsync(_token);
        var (connection, bucket) = await SetUpAsync(api, 300_000);
        var run = await RunNowAsync(api, connection);
        await WaitForAsync(api, run, Moving, TimeSpan.FromSeconds(60));

        // Every connection of the portal to its database is dropped, again and again, until the dump has written its receipt.
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var drops = 0;
        do
        {
            await using var admin = new NpgsqlConnection(_postgres.AdminConnectionString);
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
            kill.Parameters.AddWithValue(name);
            drops += Convert.ToInt32(await kill.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(300);
            Assert.True(DateTime.UtcNow < deadline, "The receipt never appeared.");
        }
        while ((await ReceiptAsync(bucket))?.GetProperty("run_id").GetInt64() != run);
        Assert.True(drops > 0);

        var ended = await api.WaitForEndAsync(run, TimeSpan.FromSeconds(90));
        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        Assert.Equal(300_000, ended.GetProperty("rows").GetInt64());
        await Task.Delay(1500);
        Assert.Equal(1, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}")).GetProperty("total").GetInt32());
        var events = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}/events")).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.DoesNotContain("RetryScheduled", events);
    }
}
