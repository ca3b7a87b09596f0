namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Marks and backfills on PostgreSQL, both as the portal's own database (clustered Quartz) and as the source, with a
/// timestamptz and a numeric cursor, against Ceph: the dry run predicts what the next run delivers, and a backfill
/// delivers exactly its range and moves no mark.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMarkTests(PostgresServer postgres) : IAsyncLifetime, IDisposable
{
    private readonly CephServer _ceph = new();
    private PortalAppFactory _app = default!;
    private ApiDeliveries _api = default!;
    private string _source = "";

    public async Task InitializeAsync()
    {
        await _ceph.InitializeAsync();
        _app = new PortalAppFactory
        {
            Settings =
            {
                ["Portal:RunWorkers"] = "true", ["Portal:Database:Provider"] = "Postgres", ["ConnectionStrings:Portal"] = await postgres.CreateDatabaseAsync(),
            },
        };
        _api = new ApiDeliveries(_app, _ceph);
        _source = await postgres.CreateDatabaseAsync();
        await using var db = new NpgsqlConnection(_source);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL, total numeric(12,2) NOT NULL);
            INSERT INTO orders SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour', i * 1.25 FROM generate_series(1, 200) i;
            """, db);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => _ceph.DisposeAsync();

    public void Dispose() => _app?.Dispose();

    private static readonly object[] Streams =
    [
        new { name = "by_time", table = "orders", cursorColumn = "placed_at" },
        new { name = "by_total", table = "orders", cursorColumn = "total" },
    ];

    private async Task<string?> MarkAsync(Guid connection, string stream) =>
        (await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("streams").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == stream).GetProperty("cursorValue").GetString();

    private async Task<List<long>> IdsAsync(string bucket, JsonElement run, string stream)
    {
        var ids = new List<long>();
        foreach (var key in run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).Where(k => k.StartsWith($"portal/{stream}/", StringComparison.Ordinal)))
            ids.AddRange((await _api.TextAsync(bucket, key)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()));
        return ids;
    }

    [Fact]
    public async Task A_dry_run_predicts_the_next_run_and_a_backfill_delivers_exactly_its_range_on_postgres()
    {
        var (connection, bucket) = await _api.ConnectionAsync(await _api.SourceAsync("postgres", _source), "StreamExport", Streams);
        var first = await _api.DeliverAsync(connection);
        Assert.Equal(400, first.GetProperty("rows").GetInt64());
        var timeMark = await MarkAsync(connection, "by_time");
        Assert.True(DateTimeOffset.Parse(timeMark!, System.Globalization.CultureInfo.InvariantCulture) == new DateTimeOffset(2026, 1, 9, 8, 0, 0, TimeSpan.Zero), timeMark);
        Assert.Equal(250m, decimal.Parse(await MarkAsync(connection, "by_total") ?? "", System.Globalization.CultureInfo.InvariantCulture));

        // Back to the 150th order's time: 50 rows, predicted first and then delivered.
        var dry = await (await _api.Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/streams/by_time/mark", new { value = "2026-01-07T06:00:00Z", dryRun = true }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((50L, false), (dry.GetProperty("rows").GetInt64(), dry.GetProperty("applied").GetBoolean()));
        Assert.Equal(timeMark, await MarkAsync(connection, "by_time"));
        var applied = await _api.Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/streams/by_time/mark", new { value = "2026-01-07T06:00:00Z", dryRun = false });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var second = await _api.DeliverAsync(connection);
        Assert.Equal(Enumerable.Range(151, 50).Select(i => (long)i), await IdsAsync(bucket, second, "by_time"));
        Assert.Empty(await IdsAsync(bucket, second, "by_total"));

        // Backfills of (from, to] on both kinds of cursor: exactly those rows, and no mark moves.
        foreach (var (stream, from, to) in new[] { ("by_time", "2026-01-01T10:00:00Z", "2026-01-01T20:00:00Z"), ("by_total", "12.50", "25.00") })
        {
            var started = await _api.Admin.PostAsJsonAsync($"/api/v1/connections/{connection}/backfills", new { streams = new[] { stream }, from, to });
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
            var run = await _api.Admin.WaitForEndAsync((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
            Assert.Equal(("Succeeded", "Backfill"), (run.GetProperty("status").GetString(), run.GetProperty("trigger").GetString()));
            Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), await IdsAsync(bucket, run, stream));
        }
        Assert.Equal(timeMark, await MarkAsync(connection, "by_time"));
        Assert.Equal(250m, decimal.Parse(await MarkAsync(connection, "by_total") ?? "", System.Globalization.CultureInfo.InvariantCulture));
    }
}
