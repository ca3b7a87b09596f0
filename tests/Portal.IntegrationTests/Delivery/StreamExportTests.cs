namespace Portal.IntegrationTests.Delivery;

using System.Text.Json;
using Portal.Core.Connections;
using Portal.Tests.Shared;

[Collection(CephCollection.Name)]
public sealed class StreamExportTests(CephServer ceph)
{
    [Fact]
    public async Task Three_runs_with_rows_inserted_between_them_deliver_each_row_exactly_once()
    {
        using var export = new DumpHarness(ceph, await ceph.CreateBucketAsync("export"));
        var db = Path.Combine(export.App.DataDirectory, "sources", "chinook.sqlite");
        Execute(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT NOT NULL)");
        Insert(db, 1, 5, "2025-01-01T00:00:00Z");
        var c = export.Connection;
        c.Kind = DeliveryKind.StreamExport;
        c.Format = "jsonl";
        c.Compression = "none";
        c.Template = "exports/{stream_name}/{cursor_date_time}/{connection_run_id}_{part}.{extension}";
        c.Streams = [new ConnectionStream { Name = "events", Table = "events", CursorColumn = "updated_at", CursorStart = "2024-12-31T00:00:00Z" }];
        var stream = c.Streams[0];

        var delivered = new List<long>();
        var cursorFolders = new List<string>();
        var totals = new List<long?>();
        for (var run = 1; run <= 3; run++)
        {
            export.Progress.Clear();
            var outcome = await export.RunAsync(run, DateTimeOffset.UtcNow);
            var result = outcome.Streams.Single();
            totals.Add(export.Progress.Last().Total);
            foreach (var file in result.Files)
            {
                cursorFolders.Add(file.Key.Split('/')[3]); // portal/exports/events/<cursor>/...
                foreach (var line in (await export.TextAsync(file.Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    delivered.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetInt64());
            }
            // The job saves the mark only when the whole run succeeded; here the run did.
            stream.CursorValue = result.NewMark;
            Insert(db, run * 10, 3, $"2025-01-0{run + 1}T00:00:00Z");
        }

        // Runs 1-3 saw rows 1-5, then 10-12, then 20-22; rows 30-32 wait for the next run.
        Assert.Equal([1, 2, 3, 4, 5, 10, 11, 12, 20, 21, 22], delivered);
        // {cursor_date_time} is the mark each run started from: the configured start, then each previous mark.
        Assert.Equal(["2024_12_31_00_00_00", "2025_01_01_00_00_00", "2025_01_02_00_00_00"], cursorFolders);
        Assert.Equal("2025-01-03T00:00:00Z", stream.CursorValue);
        // The progress total of each run counted the rows of its own cursor range, not the table.
        Assert.Equal([5L, 3L, 3L], totals);
    }

    [Fact]
    public async Task A_run_with_no_new_rows_writes_nothing_and_keeps_the_mark()
    {
        using var export = new DumpHarness(ceph, await ceph.CreateBucketAsync("export"));
        var db = Path.Combine(export.App.DataDirectory, "sources", "chinook.sqlite");
        Execute(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL)");
        var c = export.Connection;
        c.Kind = DeliveryKind.StreamExport;
        c.Compression = "none";
        c.Streams = [new ConnectionStream { Name = "events", Table = "events", CursorColumn = "updated_at", CursorValue = "2025-01-01T00:00:00Z" }];

        var outcome = await export.RunAsync(1, DateTimeOffset.UtcNow);

        Assert.Empty(outcome.Streams.Single().Files);
        Assert.Equal("2025-01-01T00:00:00Z", outcome.Streams.Single().NewMark);
        Assert.Empty(await export.ListAsync());
    }

    private static void Insert(string db, int firstId, int count, string updatedAt)
    {
        for (var i = 0; i < count; i++)
            Execute(db, $"INSERT INTO events (id, name, updated_at) VALUES ({firstId + i}, 'évènement {firstId + i}', '{updatedAt}')");
    }

    private static void Execute(string db, string sql) => BigTables.Execute(db, sql);
}
