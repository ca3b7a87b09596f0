namespace Portal.IntegrationTests.Delivery;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Shared;

/// <summary>
/// A stream export's schema files and schema changes, through the API and Quartz against Ceph and a SQLite source whose
/// table changes between runs: the files, the events, the manifest's flags, the notification, and both policies.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class SchemaChangeTests : IDisposable
{
    private readonly PortalAppFactory _app = new() { Settings = { ["Portal:RunWorkers"] = "true" } };
    private readonly ApiDeliveries _api;

    public SchemaChangeTests(CephServer ceph) => _api = new ApiDeliveries(_app, ceph);

    public void Dispose() => _app.Dispose();

    private static readonly object[] Streams = [new { name = "events", table = "events", cursorColumn = "id" }];

    private async Task<(Guid Connection, string Bucket, string Database)> SetUpAsync(string? policy = null)
    {
        var (path, connectionString) = _api.SqliteFile($"events-{Guid.NewGuid():N}.sqlite");
        Sql(path, "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount REAL); INSERT INTO events VALUES (1, 'a', 1.5), (2, 'b', 2.5), (3, 'c', NULL);");
        var owner = await _api.SourceAsync("sqlite", connectionString);
        var (connection, bucket) = await _api.ConnectionAsync(owner, "StreamExport", Streams, new Dictionary<string, object?>
        {
            ["template"] = "{stream_name}/{date}/{connection_run_id}_{part}.{extension}", ["onSchemaChange"] = policy,
        });
        return (connection, bucket, path);
    }

    private static void Sql(string path, string sql) => BigTables.Execute(path, sql);

    private async Task<JsonElement> ManifestAsync(string bucket, JsonElement run) =>
        JsonDocument.Parse(await _api.TextAsync(bucket, run.GetProperty("keys").EnumerateArray().Last(k => k.GetString()!.Contains("/_manifests/", StringComparison.Ordinal)).GetString()!)).RootElement;

    private static IEnumerable<(string, string, string)> Columns(string bigQuerySchema) =>
        JsonDocument.Parse(bigQuerySchema).RootElement.EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!, c.GetProperty("mode").GetString()!));

    private List<(string Event, string? Data)> Outbox(Guid connection)
    {
        using var scope = _app.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Actors.CurrentActor>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
        return db.OutboxEvents.AsNoTracking().Where(e => e.ConnectionId == connection).OrderBy(e => e.Id).AsEnumerable().Select(e => (e.Event, e.Data)).ToList();
    }

    [Fact]
    public async Task A_column_added_and_one_removed_carry_on_with_a_new_schema_file_an_event_a_manifest_flag_and_a_notification()
    {
        var (connection, bucket, database) = await SetUpAsync();
        var first = await _api.DeliverAsync(connection);
        var firstId = first.GetProperty("id").GetInt64();

        // The first run writes the stream's schema file, and its manifest names it.
        var firstSchema = $"portal/_schemas/events/{firstId}.json";
        Assert.Equal([("id", "INTEGER", "REQUIRED"), ("name", "STRING", "REQUIRED"), ("amount", "FLOAT", "NULLABLE")], Columns(await _api.TextAsync(bucket, firstSchema)));
        var manifest = await ManifestAsync(bucket, first);
        Assert.False(manifest.GetProperty("schema_changed").GetBoolean());
        Assert.Equal(firstSchema, manifest.GetProperty("streams")[0].GetProperty("schema").GetString());
        Assert.DoesNotContain(await _api.EventsAsync(firstId), e => e.GetProperty("kind").GetString() == "SchemaChanged");

        Sql(database, "ALTER TABLE events ADD COLUMN note TEXT; ALTER TABLE events DROP COLUMN amount; INSERT INTO events (id, name, note) VALUES (4, 'd', 'new'), (5, 'e', NULL);");
        var second = await _api.DeliverAsync(connection);
        var secondId = second.GetProperty("id").GetInt64();

        var secondSchema = $"portal/_schemas/events/{secondId}.json";
        Assert.Equal([("id", "INTEGER", "REQUIRED"), ("name", "STRING", "REQUIRED"), ("note", "STRING", "NULLABLE")], Columns(await _api.TextAsync(bucket, secondSchema)));
        manifest = await ManifestAsync(bucket, second);
        Assert.True(manifest.GetProperty("schema_changed").GetBoolean());
        var stream = manifest.GetProperty("streams")[0];
        Assert.Equal(secondSchema, stream.GetProperty("schema").GetString());
        Assert.Equal([("note", "added", null, "STRING"), ("amount", "removed", "FLOAT", null)], stream.GetProperty("schema_changes").EnumerateArray()
            .Select(c => (c.GetProperty("column").GetString(), c.GetProperty("change").GetString(), c.GetProperty("before").GetString(), c.GetProperty("after").GetString())));
        var changed = Assert.Single(await _api.EventsAsync(secondId), e => e.GetProperty("kind").GetString() == "SchemaChanged");
        Assert.Equal("events", changed.GetProperty("stream").GetString());
        Assert.Contains("column note added", changed.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("column amount removed", changed.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        // The rows went out in the new shape: the new column, without the removed one.
        var dataKey = second.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).Single(k => k.StartsWith("portal/events/", StringComparison.Ordinal));
        var rows = (await _api.TextAsync(bucket, dataKey)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["""{"id":4,"name":"d","note":"new"}""", """{"id":5,"name":"e","note":null}"""], rows);

        var notified = Assert.Single(Outbox(connection), e => e.Event == "schema.changed");
        var data = JsonDocument.Parse(notified.Data!).RootElement;
        Assert.False(data.GetProperty("failed").GetBoolean());
        Assert.Equal(2, data.GetProperty("streams").GetProperty("events").GetArrayLength());

        // Unchanged columns: no new schema file, the manifest still names the one that describes the files.
        Sql(database, "INSERT INTO events (id, name) VALUES (6, 'f');");
        var third = await _api.DeliverAsync(connection);
        Assert.Equal(2, (await _api.ObjectsAsync(bucket, "portal/_schemas/")).Count);
        manifest = await ManifestAsync(bucket, third);
        Assert.False(manifest.GetProperty("schema_changed").GetBoolean());
        Assert.Equal(secondSchema, manifest.GetProperty("streams")[0].GetProperty("schema").GetString());
        Assert.Single(Outbox(connection), e => e.Event == "schema.changed");
    }

    [Fact]
    public async Task With_fail_an_added_column_carries_on_and_a_retyped_one_fails_the_run_before_anything_is_written()
    {
        var (connection, bucket, database) = await SetUpAsync("Fail");
        var settings = await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}");
        Assert.Equal("Fail", settings.GetProperty("onSchemaChange").GetString());
        await _api.DeliverAsync(connection);

        Sql(database, "ALTER TABLE events ADD COLUMN note TEXT; INSERT INTO events (id, name) VALUES (4, 'd');");
        var added = await _api.DeliverAsync(connection);
        Assert.Contains(await _api.EventsAsync(added.GetProperty("id").GetInt64()), e => e.GetProperty("kind").GetString() == "SchemaChanged");
        var mark = (await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("streams")[0].GetProperty("cursorValue").GetString();
        Assert.Equal("4", mark);

        // amount: REAL → TEXT (SQLite changes a column's type by rebuilding the table).
        Sql(database, """
            CREATE TABLE events2 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount TEXT, note TEXT);
            INSERT INTO events2 SELECT id, name, CAST(amount AS TEXT), note FROM events; DROP TABLE events; ALTER TABLE events2 RENAME TO events;
            INSERT INTO events (id, name, amount) VALUES (5, 'e', 'five');
            """);
        var before = (await _api.ObjectsAsync(bucket)).Select(o => o.Key).ToHashSet();
        var (failedId, failed) = await _api.RunAsync(connection);

        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal("checking the streams' schemas", failed.GetProperty("errorStep").GetString());
        Assert.Contains("column amount changed from real to text", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        // Nothing but the failed run's manifest was written, and the mark stayed: once carried on, row 5 is delivered.
        var after = (await _api.ObjectsAsync(bucket)).Select(o => o.Key).Where(k => !before.Contains(k)).ToList();
        var manifestKey = Assert.Single(after);
        var manifest = JsonDocument.Parse(await _api.TextAsync(bucket, manifestKey)).RootElement;
        Assert.Equal(("failed", "SchemaChanged"), (manifest.GetProperty("status").GetString(), manifest.GetProperty("error_class").GetString()));
        Assert.Equal("4", (await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}")).GetProperty("streams")[0].GetProperty("cursorValue").GetString());
        var notified = Outbox(connection).Where(e => e.Event == "schema.changed").ToList();
        Assert.Equal(2, notified.Count);
        Assert.True(JsonDocument.Parse(notified[1].Data!).RootElement.GetProperty("failed").GetBoolean());
        Assert.Contains(await _api.EventsAsync(failedId), e => e.GetProperty("kind").GetString() == "SchemaChanged");
    }
}
