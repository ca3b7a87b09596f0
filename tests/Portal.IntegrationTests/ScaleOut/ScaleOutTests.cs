namespace Portal.IntegrationTests.ScaleOut;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Model;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Several real nodes on one PostgreSQL with a clustered Quartz store, against a real Ceph: a web node that runs no
/// workers and two (or three) Portal.Worker processes, as deploy/ installs them.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class ScaleOutTests(CephServer ceph, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    // Fast cluster timings for the tests: a dead node is counted dead 2 s + 3 s after its last check-in.
    private static readonly TimeSpan Checkin = TimeSpan.FromSeconds(2), Threshold = TimeSpan.FromSeconds(3);

    private readonly PortalNodes _nodes = new("scale");
    private readonly PostgresServer _postgres = new();
    private string _database = "";

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _database = await _postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await _nodes.StopAllAsync();
        await _postgres.DisposeAsync();
    }

    private PortalProcess Start(string node, bool worker, Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Portal:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Portal"] = _database,
            ["Portal:NodeId"] = node,
            ["Portal:Workers:ClusterCheckinInterval"] = Checkin.ToString(),
            ["Portal:Workers:ClusterCheckinMisfireThreshold"] = Threshold.ToString(),
            ["Portal:Delivery:RequestTimeout"] = "00:00:20",
        };
        if (!worker) settings["Portal:RunWorkers"] = "false";
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return _nodes.Start(settings, worker);
    }

    private async Task<HttpClient> WebAsync() => await Start("web-1", worker: false).ApiAsync(_nodes.Token);

    private async Task<PortalProcess> WorkerAsync(string node, Dictionary<string, string>? extra = null)
    {
        var worker = Start(node, worker: true, extra);
        await worker.WaitForOutputAsync("Workers started", TimeSpan.FromSeconds(90));
        return worker;
    }

    /// <summary>A customer with a source (Chinook, or a big table of <paramref name="bigRows"/> rows) and <paramref name="count"/> dump connections into one bucket.</summary>
    private async Task<(List<Guid> Connections, string Bucket)> ConnectionsAsync(HttpClient api, int count, string? schedule = null, int bigRows = 0)
    {
        var file = bigRows > 0 ? $"big-{Guid.NewGuid():N}.sqlite"[..20] + ".sqlite" : "chinook.sqlite";
        if (bigRows > 0) BigTables.Create(Path.Combine(_nodes.Data, "sources", file), bigRows);
        else File.Copy(RepoPaths.ChinookDatabase, Path.Combine(_nodes.Data, "sources", file), overwrite: true);
        var customer = await (await api.PostAsJsonAsync("/api/v1/customers", new { name = "Scale " + Guid.NewGuid().ToString("N")[..6] })).Content.ReadFromJsonAsync<JsonElement>();
        var source = await (await api.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.GetProperty("id").GetGuid(), name = "src", kind = "sqlite", connectionString = $"Data Source={file}" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var bucket = await ceph.CreateBucketAsync("scale");
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var created = await api.PostAsJsonAsync("/api/v1/connections", new
            {
                customerId = customer.GetProperty("id").GetGuid(), name = $"dumps {i:00}", kind = "Dump", bucket, region = "default", prefix = $"c{i:00}/",
                endpoint = ceph.Endpoint, checksumMode = "WhenRequired", compression = bigRows > 0 ? "none" : "gzip",
                auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
                sourceId = source.GetProperty("id").GetGuid(),
                streams = bigRows > 0 ? new[] { new { name = "big", table = "big" } } : new[] { new { name = "artists", table = "Artist" }, new { name = "albums", table = "Album" } },
                retries = 0, schedule,
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }
        return (ids, bucket);
    }

    private static async Task<List<JsonElement>> RunsAsync(HttpClient api, Guid connection) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}&pageSize=100")).GetProperty("items").EnumerateArray().ToList();

    private static async Task<long> RunNowAsync(HttpClient api, Guid connection) =>
        (await (await api.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private async Task<int> OpenUploadsAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        return (await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads?.Count ?? 0;
    }

    private async Task<JsonElement> ReceiptAsync(string bucket, string prefix)
    {
        using var s3 = ceph.CreateClient();
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = prefix + "receipt.json" });
        return (await JsonDocument.ParseAsync(response.ResponseStream)).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient api, Func<Task<JsonElement?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found) return found;
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Twenty_dumps_due_at_once_each_run_once_on_both_workers_and_run_now_from_the_web_node_never_overlaps()
    {
        var api = await WebAsync();
        await WorkerAsync("worker-a");
        await WorkerAsync("worker-b");
        // Every connection is due at the same minute (daily at that time, so once in this test).
        var now = DateTimeOffset.UtcNow;
        var at = now.AddMinutes(now.Second < 40 ? 1 : 2);
        var (connections, _) = await ConnectionsAsync(api, 20, string.Create(CultureInfo.InvariantCulture, $"{at.Minute} {at.Hour} * * *"));

        var runs = new Dictionary<Guid, List<JsonElement>>();
        var deadline = DateTime.UtcNow.AddSeconds(200);
        do
        {
            await Task.Delay(1000);
            foreach (var c in connections) runs[c] = await RunsAsync(api, c);
            Assert.True(DateTime.UtcNow < deadline, "Not every scheduled dump ended: " + string.Join(", ", runs.Select(r => r.Value.Count)));
        }
        while (runs.Values.Any(r => r.Count == 0 || r.Any(x => x.GetProperty("status").GetString() is "Queued" or "Running")));

        Assert.All(runs.Values, r =>
        {
            var run = Assert.Single(r);
            Assert.Equal(("Succeeded", "Schedule"), (run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString()));
        });
        var nodes = runs.Values.Select(r => r[0].GetProperty("node").GetString()).GroupBy(n => n).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(["worker-a", "worker-b"], nodes.Keys.Order(StringComparer.Ordinal));

        // Run now, twice at once for five connections, from the web node: each runs on a worker, one run of a connection at a time.
        var asked = new List<(Guid Connection, long Run)>();
        foreach (var c in connections.Take(5)) asked.AddRange([(c, await RunNowAsync(api, c)), (c, await RunNowAsync(api, c))]);
        foreach (var (_, run) in asked) Assert.Equal("Succeeded", (await api.WaitForEndAsync(run, TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        foreach (var c in connections.Take(5))
        {
            var spans = (await RunsAsync(api, c)).Select(r => (Start: r.GetProperty("startedAt").GetDateTimeOffset(), End: r.GetProperty("finishedAt").GetDateTimeOffset()))
                .OrderBy(s => s.Start).ToList();
            Assert.Equal(3, spans.Count);
            for (var i = 1; i < spans.Count; i++) Assert.True(spans[i].Start >= spans[i - 1].End, $"Runs of connection {c} overlapped: {spans[i - 1]} and {spans[i]}.");
        }
    }

    [Fact]
    public async Task A_killed_workers_dump_is_taken_over_by_the_other_within_checkin_plus_threshold_and_completes_once()
    {
        var api = await WebAsync();
        var workers = new Dictionary<string, PortalProcess> { ["worker-a"] = await WorkerAsync("worker-a"), ["worker-b"] = await WorkerAsync("worker-b") };
        var (connections, bucket) = await ConnectionsAsync(api, 1, bigRows: 1_500_000);
        var first = await RunNowAsync(api, connections[0]);
        var running = await WaitForAsync(api, async () =>
        {
            var r = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{first}");
            return r.GetProperty("status").GetString() == "Running" && r.GetProperty("streams").EnumerateArray().Any(s => s.GetProperty("rows").GetInt64() > 0) ? r : null;
        }, TimeSpan.FromSeconds(90), "the dump to move");
        var victim = running.GetProperty("node").GetString()!;
        var survivor = workers.Keys.Single(k => k != victim);

        await workers[victim].KillAsync();
        var killedAt = DateTime.UtcNow;
        var next = await WaitForAsync(api, async () => (await RunsAsync(api, connections[0]))
            .Where(r => r.TryGetProperty("previousAttempt", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt64() == first && r.GetProperty("status").GetString() != "Queued")
            .Cast<JsonElement?>().FirstOrDefault(), TimeSpan.FromSeconds(60), "the next attempt to start on the surviving worker");
        var takeover = DateTime.UtcNow - killedAt;
        output.WriteLine($"takeover after kill -9: {takeover.TotalSeconds:0.0} s (check-in {Checkin.TotalSeconds} s, threshold {Threshold.TotalSeconds} s)");

        Assert.Equal(survivor, next.GetProperty("node").GetString());
        // Counted dead after its check-in interval and the threshold; the survivor notices with its own next check-in.
        Assert.True(takeover <= 2 * Checkin + Threshold + TimeSpan.FromSeconds(10), $"Takeover took {takeover.TotalSeconds:0.0} s.");
        var ended = await api.WaitForEndAsync(next.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(180));
        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        Assert.Equal(1_500_000, ended.GetProperty("rows").GetInt64());
        var interrupted = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{first}");
        Assert.Equal("Failed", interrupted.GetProperty("status").GetString());
        Assert.StartsWith("Interrupted", interrupted.GetProperty("error").GetString(), StringComparison.Ordinal);
        var receipt = await ReceiptAsync(bucket, "c00/");
        Assert.Equal(next.GetProperty("id").GetInt64(), receipt.GetProperty("run_id").GetInt64());
        Assert.Equal(1_500_000, receipt.GetProperty("tables").GetProperty("big").GetProperty("row_count").GetInt64());
        Assert.Equal(0, await OpenUploadsAsync(bucket));
        Assert.DoesNotContain(await RunsAsync(api, connections[0]), r => r.GetProperty("status").GetString() is "Running" or "Queued");
    }

    [Fact]
    public async Task A_worker_stopped_with_sigterm_hands_its_run_back_and_a_worker_started_later_joins_and_finishes_it()
    {
        var api = await WebAsync();
        // One run at a time on the first worker, its dumps held before the receipt (so the run is in flight whatever the
        // machine's speed), and a short grace so the stop hands the run back.
        var first = await WorkerAsync("worker-a", new()
        {
            ["Portal:Workers:MaxConcurrency"] = "1", ["Portal:Workers:ShutdownGrace"] = "00:00:03", ["Portal:Delivery:PauseBeforeReceipt"] = "00:02:00",
        });
        var (connections, bucket) = await ConnectionsAsync(api, 1, bigRows: 200_000);
        var (chinook, chinookBucket) = await ConnectionsAsync(api, 1);
        var run = await RunNowAsync(api, connections[0]);
        await WaitForAsync(api, async () =>
        {
            var r = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}");
            return r.GetProperty("status").GetString() == "Running" && r.GetProperty("streams").EnumerateArray().Any(s => s.GetProperty("rows").GetInt64() > 0) ? r : null;
        }, TimeSpan.FromSeconds(90), "the dump to move");

        // A worker joins while the run is in flight and takes new work (the first is busy with its one run).
        var joined = await WorkerAsync("worker-b");
        var small = await RunNowAsync(api, chinook[0]);
        var smallRun = await api.WaitForEndAsync(small, TimeSpan.FromSeconds(60));
        Assert.Equal(("Succeeded", "worker-b"), (smallRun.GetProperty("status").GetString(), smallRun.GetProperty("node").GetString()));

        // SIGTERM: the first worker exits cleanly once it handed its run back; the joined worker finishes it.
        var exit = await first.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, exit);
        var handed = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}");
        Assert.Equal("Failed", handed.GetProperty("status").GetString());
        Assert.Contains("handed it back", handed.GetProperty("error").GetString(), StringComparison.Ordinal);
        var next = await WaitForAsync(api, async () => (await RunsAsync(api, connections[0]))
            .Where(r => r.TryGetProperty("previousAttempt", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt64() == run)
            .Cast<JsonElement?>().FirstOrDefault(), TimeSpan.FromSeconds(30), "the handed-back run's next attempt");
        var ended = await api.WaitForEndAsync(next.GetProperty("id").GetInt64(), TimeSpan.FromSeconds(180));
        Assert.Equal(("Succeeded", "worker-b"), (ended.GetProperty("status").GetString(), ended.GetProperty("node").GetString()));
        Assert.Equal(next.GetProperty("id").GetInt64(), (await ReceiptAsync(bucket, "c00/")).GetProperty("run_id").GetInt64());
        Assert.Equal(0, await OpenUploadsAsync(bucket));
        Assert.Equal(0, await OpenUploadsAsync(chinookBucket));
        // A hand-back is an interruption, not a failure that counts toward a pause.
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connections[0]}")).GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(200_000, ended.GetProperty("rows").GetInt64());
        Assert.False(joined.HasExited);
    }
}
