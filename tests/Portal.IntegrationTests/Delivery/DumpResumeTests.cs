namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Resuming a failed dump, through the API and Quartz against Ceph: a dump of eight tables fails on its seventh (the table
/// is gone), and its resume completes the same folder without writing the complete tables again.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class DumpResumeTests : IDisposable
{
    private const int Tables = 8;
    private readonly PortalAppFactory _app = new() { Settings = { ["Portal:RunWorkers"] = "true" } };
    private readonly ApiDeliveries _api;
    private readonly CephServer _ceph;

    public DumpResumeTests(CephServer ceph) => (_api, _ceph) = (new ApiDeliveries(_app, ceph), ceph);

    public void Dispose() => _app.Dispose();

    private static string Table(int i) => $"t{i}";

    private static void Sql(string path, string sql) => BigTables.Execute(path, sql);

    // Rows that compress badly enough for several 1 KiB parts per table.
    private static string Create(int table) =>
        $"CREATE TABLE {Table(table)} (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);" +
        $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {400 + table * 10}) INSERT INTO {Table(table)} SELECT i, hex(randomblob(200)) FROM n;";

    /// <summary>A dump whose seventh table is dropped before it runs: the failed run, the connection and its bucket.</summary>
    private async Task<(long Failed, JsonElement Run, Guid Connection, string Bucket, string Database)> FailedDumpAsync()
    {
        var (path, connectionString) = _api.SqliteFile($"tables-{Guid.NewGuid():N}.sqlite");
        Sql(path, string.Concat(Enumerable.Range(1, Tables).Select(Create)));
        var owner = await _api.SourceAsync("sqlite", connectionString);
        var (connection, bucket) = await _api.ConnectionAsync(owner, "Dump",
            Enumerable.Range(1, Tables).Select(i => new { name = Table(i), table = Table(i) }).ToArray(),
            new Dictionary<string, object?> { ["compression"] = "gzip", ["maxPartBytes"] = 1024 });
        Sql(path, "DROP TABLE t7;");
        var (id, run) = await _api.RunAsync(connection);
        Assert.True(run.GetProperty("status").GetString() == "Failed", run.ToString());
        Assert.Contains("t7", run.GetProperty("errorStep").GetString(), StringComparison.Ordinal);
        return (id, run, connection, bucket, path);
    }

    private async Task<Dictionary<string, (DateTime Modified, string RunId)>> TableFilesAsync(string bucket, string folder, int table)
    {
        var files = new Dictionary<string, (DateTime, string)>(StringComparer.Ordinal);
        foreach (var o in await _api.ObjectsAsync(bucket, $"{folder}/{Table(table)}/"))
            files[o.Key] = (o.LastModified!.Value, (await _api.MetadataAsync(bucket, o.Key))["portal-run-id"]);
        return files;
    }

    private async Task<JsonElement> ResumeAsync(long failed)
    {
        var response = await _api.Admin.PostAsync($"/api/v1/runs/{failed}/resume", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await _api.Admin.WaitForEndAsync(id);
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        Assert.Equal(("Resume", failed), (run.GetProperty("trigger").GetString(), run.GetProperty("resumeOf").GetInt64()));
        return run;
    }

    private async Task AssertReceiptVerifiesAsync(Guid connection, string folder, long resumeId)
    {
        var verification = await (await _api.Admin.PostAsync($"/api/v1/connections/{connection}/receipt/verify?sha256=true", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(verification.GetProperty("complete").GetBoolean(), verification.ToString());
        Assert.Equal(Tables, verification.GetProperty("tables").GetArrayLength());
        var receipt = await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{connection}/receipt");
        Assert.Contains(folder, receipt.ToString(), StringComparison.Ordinal);
        Assert.Contains(resumeId.ToString(System.Globalization.CultureInfo.InvariantCulture), receipt.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_failed_on_its_seventh_table_is_resumed_in_its_folder_without_rewriting_the_first_six()
    {
        var (failedId, failed, connection, bucket, database) = await FailedDumpAsync();
        var folder = "portal/" + failed.GetProperty("dumpFolder").GetString();
        var before = new Dictionary<int, Dictionary<string, (DateTime Modified, string RunId)>>();
        for (var t = 1; t <= 6; t++)
        {
            before[t] = await TableFilesAsync(bucket, folder, t);
            Assert.True(before[t].Count >= 2, $"{Table(t)} has {before[t].Count} parts");
        }

        // The plan says what the resume keeps and writes, from the bucket.
        var plan = await _api.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{failedId}/resume");
        var kept = plan.GetProperty("kept").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(["t1", "t2", "t3", "t4", "t5", "t6"], kept.Take(6));
        Assert.Contains("t7", plan.GetProperty("written").EnumerateArray().Select(t => t.GetString()));

        Sql(database, Create(7));
        var resumed = await ResumeAsync(failedId);
        var resumeId = resumed.GetProperty("id").GetInt64();

        Assert.Equal(failed.GetProperty("dumpFolder").GetString(), resumed.GetProperty("dumpFolder").GetString());
        for (var t = 1; t <= 6; t++)
            Assert.Equal(before[t], await TableFilesAsync(bucket, folder, t)); // same keys, same times, written by the failed run
        var seventh = await TableFilesAsync(bucket, folder, 7);
        Assert.NotEmpty(seventh);
        Assert.All(seventh.Values, f => Assert.Equal(resumeId.ToString(System.Globalization.CultureInfo.InvariantCulture), f.RunId));
        // One folder holds the whole dump, and the receipt lists every table and verifies (sizes and sha256).
        Assert.All(await _api.ObjectsAsync(bucket, "portal/"), o => Assert.True(o.Key.StartsWith(folder + "/", StringComparison.Ordinal) || o.Key == "portal/receipt.json", o.Key));
        await AssertReceiptVerifiesAsync(connection, folder, resumeId);
        var events = await _api.EventsAsync(resumeId);
        Assert.Equal(6, events.Count(e => e.GetProperty("kind").GetString() == "TableKept" && int.Parse(e.GetProperty("stream").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture) <= 6));

        // A delivered dump is not resumed, and neither is the failure once a later dump was delivered.
        Assert.Equal(HttpStatusCode.Conflict, (await _api.Admin.PostAsync($"/api/v1/runs/{resumeId}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _api.Admin.PostAsync($"/api/v1/runs/{failedId}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Admin.PostAsync("/api/v1/runs/999999/resume", null)).StatusCode);
    }

    [Fact]
    public async Task Tables_left_half_written_or_missing_a_part_are_written_again_and_their_leftovers_removed()
    {
        var (failedId, failed, connection, bucket, database) = await FailedDumpAsync();
        var folder = "portal/" + failed.GetProperty("dumpFolder").GetString();
        using (var s3 = _ceph.CreateClient())
        {
            // t3 as if its last part never completed (no schema file yet); t5 with a part deleted since.
            await s3.DeleteObjectAsync(bucket, $"{folder}/schemas/bigquery/t3.json");
            await s3.DeleteObjectAsync(bucket, (await _api.ObjectsAsync(bucket, $"{folder}/t5/"))[1].Key);
        }
        var keptBefore = await TableFilesAsync(bucket, folder, 4);
        Sql(database, Create(7));

        var resumed = await ResumeAsync(failedId);
        var resumeId = resumed.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        foreach (var t in new[] { 3, 5, 7 })
            Assert.All((await TableFilesAsync(bucket, folder, t)).Values, f => Assert.Equal(resumeId, f.RunId));
        Assert.Equal(keptBefore, await TableFilesAsync(bucket, folder, 4));
        await AssertReceiptVerifiesAsync(connection, folder, long.Parse(resumeId, System.Globalization.CultureInfo.InvariantCulture));
    }
}
