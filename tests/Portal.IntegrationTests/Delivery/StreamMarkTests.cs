namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>Setting a stream's mark, through the API against Ceph and a SQLite source: the dry run predicts, the next run delivers it.</summary>
[Collection(CephCollection.Name)]
public sealed class StreamMarkTests(CephServer ceph) : IDisposable
{
    private const string Template = "{stream_name}/{date}/{stream_name}_{part}.{extension}";
    private readonly PortalAppFactory _app = CreateApp();

    private static PortalAppFactory CreateApp()
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        return app;
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Admin => _app.CreateApiClient(_app.AdminToken);

    private async Task<Guid> ConnectionAsync()
    {
        var sources = Path.Combine(_app.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, "chinook.sqlite"), overwrite: true);
        var customer = await _app.CreateCustomerAsync("Marks " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var response = await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "marks", kind = "StreamExport", bucket = await ceph.CreateBucketAsync("marks"), region = "default", prefix = "portal/",
            endpoint = ceph.Endpoint, checksumMode = "WhenRequired", template = Template, format = "jsonl", compression = "none",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(), streams = new[] { new { name = "invoices", table = "Invoice", cursorColumn = "InvoiceId" } }, retries = 0,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> RunAsync(Guid connection)
    {
        var id = (await (await Admin.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await Admin.WaitForEndAsync(id);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        return run;
    }

    private async Task<string?> MarkAsync(Guid connection) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("streams")[0].GetProperty("cursorValue").GetString();

    private Task<HttpResponseMessage> SetAsync(Guid connection, string? value, bool dryRun) =>
        Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/streams/invoices/mark", new { value, dryRun });

    [Fact]
    public async Task A_dry_run_changes_nothing_and_predicts_the_rows_and_keys_the_next_run_then_writes()
    {
        var connection = await ConnectionAsync();
        await RunAsync(connection);
        Assert.Equal("412", await MarkAsync(connection));

        var preview = await (await SetAsync(connection, "400", dryRun: true)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("412", "400", 12L, false), (preview.GetProperty("before").GetString(), preview.GetProperty("after").GetString(),
            preview.GetProperty("rows").GetInt64(), preview.GetProperty("applied").GetBoolean()));
        Assert.Equal("412", await MarkAsync(connection)); // unchanged

        var applied = await (await SetAsync(connection, "400", dryRun: false)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(applied.GetProperty("applied").GetBoolean());
        Assert.Equal("400", await MarkAsync(connection));
        var run = await RunAsync(connection);
        Assert.Equal(preview.GetProperty("rows").GetInt64(), run.GetProperty("streams")[0].GetProperty("rows").GetInt64());
        Assert.Equal(preview.GetProperty("keys")[0].GetString(), run.GetProperty("keys")[0].GetString());
        Assert.Equal("412", await MarkAsync(connection));

        // Back to the start: the next run reads every row again.
        var reset = await (await SetAsync(connection, null, dryRun: false)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((412L, JsonValueKind.Null), (reset.GetProperty("rows").GetInt64(), reset.GetProperty("after").ValueKind));
        Assert.Equal(412, (await RunAsync(connection)).GetProperty("streams")[0].GetProperty("rows").GetInt64());

        await using var scope = _app.Services.CreateSystemScope();
        var audit = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditEntries.Where(a => a.Action == "StreamMarkSet").OrderBy(a => a.Id).Select(a => a.Details).ToListAsync();
        Assert.Equal(2, audit.Count);
        Assert.Contains("412 → 400", audit[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mark_of_the_wrong_kind_an_unknown_stream_and_a_busy_connection_are_refused_and_nothing_changes()
    {
        var connection = await ConnectionAsync();
        await RunAsync(connection);

        var wrong = await SetAsync(connection, "not-a-number", dryRun: false);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("value", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/streams/nope/mark", new { value = "1", dryRun = true })).StatusCode);

        await using (var scope = _app.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var c = await db.Connections.SingleAsync(x => x.Id == connection);
            db.Runs.Add(new Portal.Core.Runs.Run { ConnectionId = connection, CustomerId = c.CustomerId, Kind = c.Kind, Status = Portal.Core.Runs.RunStatus.Queued });
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.Conflict, (await SetAsync(connection, "1", dryRun: false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SetAsync(connection, "1", dryRun: true)).StatusCode); // a preview is always fine
        Assert.Equal("412", await MarkAsync(connection));
    }

    [Fact]
    public async Task A_backfill_delivers_exactly_its_range_and_leaves_the_mark()
    {
        var connection = await ConnectionAsync();
        await RunAsync(connection);

        var started = await Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/backfills", new { streams = new[] { "invoices" }, from = "100", to = "110" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await Admin.WaitForEndAsync(id);
        Assert.Equal(("Succeeded", "Backfill"), (run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString()));
        Assert.Equal(10, run.GetProperty("streams")[0].GetProperty("rows").GetInt64());
        Assert.Equal("412", await MarkAsync(connection));
        using var s3 = ceph.CreateClient();
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var bucket = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("bucket").GetString()!;
        var data = keys.Where(k => !k.Contains("_manifests/", StringComparison.Ordinal) && !k.Contains("_schemas/", StringComparison.Ordinal)).ToList();
        var ids = new List<long>();
        foreach (var key in data)
        {
            using var body = await s3.GetObjectAsync(bucket, key);
            using var reader = new StreamReader(body.ResponseStream);
            foreach (var line in (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("InvoiceId").GetInt64());
        }
        Assert.Equal(Enumerable.Range(101, 10).Select(i => (long)i), ids.Order());
        // Its manifest names the range it read.
        using var manifestBody = await s3.GetObjectAsync(bucket, keys[^1]);
        using var manifest = await JsonDocument.ParseAsync(manifestBody.ResponseStream);
        var stream = manifest.RootElement.GetProperty("streams")[0];
        Assert.Equal(("100", "110"), (stream.GetProperty("cursor_from").GetString(), stream.GetProperty("cursor_to").GetString()));

        // The next ordinary run goes on from the mark: nothing new.
        Assert.Equal(0, (await RunAsync(connection)).GetProperty("streams")[0].GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_backfill_with_an_empty_range_an_unknown_stream_or_bounds_of_the_wrong_kind_is_refused()
    {
        var connection = await ConnectionAsync();
        foreach (var (body, field) in new (object, string)[]
        {
            (new { streams = new[] { "invoices" }, from = "110", to = "100" }, "to"),
            (new { streams = new[] { "nope" }, from = "1", to = "2" }, "streams"),
            (new { streams = new[] { "invoices" }, from = "x", to = "2" }, "from"),
            (new { streams = Array.Empty<string>(), from = "1", to = "2" }, "streams"),
        })
        {
            var refused = await Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/backfills", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
        }
        Assert.Equal(0, (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs?connectionId={connection}")).GetProperty("total").GetInt32());
    }

    private async Task<Dictionary<string, string>> Sha256sAsync(Guid connection, IEnumerable<string> keys)
    {
        var bucket = (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("bucket").GetString()!;
        using var s3 = ceph.CreateClient();
        var hashes = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            using var body = await s3.GetObjectAsync(bucket, key);
            hashes[key] = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(body.ResponseStream));
        }
        return hashes;
    }

    private static List<string> DataKeys(JsonElement run) =>
        run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).Where(k => !k.Contains("_manifests/", StringComparison.Ordinal) && !k.Contains("_schemas/", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task An_exact_redelivery_twice_writes_the_same_keys_with_the_same_bytes_and_moves_no_mark()
    {
        var connection = await ConnectionAsync();
        // Keys that change with every run unless the run's own id and load time are used again.
        var update = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
        var db = Path.Combine(_app.DataDirectory, "sources", "chinook.sqlite");
        await using (var scope = _app.Services.CreateSystemScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var c = await context.Connections.SingleAsync(x => x.Id == connection);
            c.Template = "{stream_name}/{cursor_date_time}/{iso_date_time}/{connection_run_id}_{stream_run_id}_{part}.{extension}";
            c.Format = "jsonl";
            c.Compression = "gzip";
            await context.SaveChangesAsync();
        }
        var first = await RunAsync(connection);
        BigTables.Execute(db, "INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, Total) VALUES (413, 1, '2030-01-01 00:00:00', 1.5)");
        var second = await RunAsync(connection); // another run in between: its rows are not the first run's
        Assert.Equal(1, second.GetProperty("streams")[0].GetProperty("rows").GetInt64());
        var firstId = first.GetProperty("id").GetInt64();
        var expected = await Sha256sAsync(connection, DataKeys(first));

        var redeliveries = new List<JsonElement>();
        for (var i = 0; i < 2; i++)
        {
            var started = await Admin.PostAsync($"/api/v1/runs/{firstId}/redeliver", null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var run = await Admin.WaitForEndAsync((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
            Assert.Equal(("Succeeded", "Redelivery", firstId), (run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString(), run.GetProperty("redeliveryOf").GetInt64()));
            Assert.Equal(DataKeys(first), DataKeys(run));
            Assert.Equal(expected, await Sha256sAsync(connection, DataKeys(run)));
            redeliveries.Add(run);
        }
        Assert.Equal("413", await MarkAsync(connection));
        // Its manifest says what it repeats.
        var bucket = update.GetProperty("bucket").GetString()!;
        using var s3 = ceph.CreateClient();
        using var body = await s3.GetObjectAsync(bucket, redeliveries[1].GetProperty("keys").EnumerateArray().Last().GetString()!);
        using var manifest = await JsonDocument.ParseAsync(body.ResponseStream);
        Assert.Equal(firstId, manifest.RootElement.GetProperty("redelivery_of").GetInt64());

        // A failed run, a dump or a run that never ran is not redelivered.
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PostAsync("/api/v1/runs/999999/redeliver", null)).StatusCode);
    }
}
