namespace Portal.IntegrationTests.Delivery;

using Microsoft.Data.Sqlite;
using Portal.Core.Connections;
using Portal.Infrastructure.Delivery;
using Portal.Tests.Shared;

/// <summary>The S3 server freezes in the middle of a dump. Uses its own Ceph server, since it pauses it.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private readonly CephServer _ceph = CephServer.Private();

    public Task InitializeAsync() => _ceph.InitializeAsync();

    public Task DisposeAsync() => _ceph.DisposeAsync();

    [Fact]
    public async Task A_frozen_server_fails_the_run_in_bounded_time_and_leaves_the_previous_receipt_and_no_open_upload()
    {
        using var dump = new DumpHarness(_ceph, await _ceph.CreateBucketAsync("fault"), new Dictionary<string, string?>
        {
            ["Portal:Delivery:RequestTimeout"] = "00:00:03",
            ["Portal:Delivery:MaxErrorRetry"] = "1",
        });
        var db = Path.Combine(dump.App.DataDirectory, "sources", "chinook.sqlite");
        CreateBigTable(db, rows: 300_000);
        dump.Connection.Compression = "none";
        dump.Connection.MaxPartBytes = 64L * 1024 * 1024;
        dump.Connection.Streams = [new ConnectionStream { Name = "big", Table = "big" }];
        await dump.RunAsync(1, DateTimeOffset.UtcNow.AddHours(-1));
        var receiptBefore = await dump.GetAsync("portal/receipt.json");
        dump.Progress.Clear();

        var run = dump.RunAsync(2, DateTimeOffset.UtcNow);
        while (!run.IsCompleted && !dump.Progress.Any(p => p.Rows >= 20_000)) await Task.Delay(20);
        await _ceph.PauseAsync();
        var started = DateTime.UtcNow;
        DeliveryFailedException failure;
        try
        {
            failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => run.WaitAsync(TimeSpan.FromMinutes(3)));
        }
        finally
        {
            await _ceph.ResumeAsync();
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(3));
        Assert.False(string.IsNullOrWhiteSpace(failure.Message));
        Assert.Equal(receiptBefore, await dump.GetAsync("portal/receipt.json"));
        // Uploads the frozen server could not abort are aborted before the next run, which then succeeds,
        // and leaves no upload open (also those the stalled server created but never answered for).
        var runner = dump.App.Services.GetService(typeof(DeliveryRunner)) as DeliveryRunner;
        Assert.Empty(await runner!.AbortPendingAsync(dump.Connection, failure.PendingAborts, default));
        var outcome = await dump.RunAsync(3, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(300_000, outcome.Streams.Single().Rows);
        Assert.Equal(0, await dump.OpenUploadsAsync());
        Assert.NotEqual(receiptBefore, await dump.GetAsync("portal/receipt.json"));
    }

    private static void CreateBigTable(string db, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC(12,2), at DATETIME);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
            INSERT INTO big SELECT i, 'customer ' || i || ' ' || hex(randomblob(24)), i * 1.25, datetime(1700000000 + i, 'unixepoch') FROM n;
            """;
        command.Parameters.AddWithValue("$rows", rows);
        command.ExecuteNonQuery();
    }
}
