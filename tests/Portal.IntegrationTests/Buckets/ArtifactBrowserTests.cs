namespace Portal.IntegrationTests.Buckets;

using Portal.Core.Connections;
using Portal.Infrastructure.Artifacts;
using Portal.Infrastructure.Buckets;
using Portal.Tests.Shared;

/// <summary>What artifact syncs leave in a bucket, read back: pointers with result counts, and the archive month by month.</summary>
[Collection(CephCollection.Name)]
public sealed class ArtifactBrowserTests(CephServer ceph) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portal-artifacts-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private ArtifactCommandSpec Command(long id, string command)
    {
        var from = Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target");
        var folder = Path.Combine(_root, $"{id}");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, "target", Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return new ArtifactCommandSpec(id, command, folder);
    }

    [Fact]
    public async Task Each_schedule_shows_its_current_run_with_dbt_counts_and_its_archive_by_month_and_day()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        h.Connection.Kind = DeliveryKind.ArtifactSync;
        h.Connection.Schedules = [new ArtifactSchedule { Name = "daily_general", Cron = "0 3 * * *" }, new ArtifactSchedule { Name = "never_ran", Cron = "0 4 * * *" }];
        var commands = new[] { Command(47531, "dbt seed"), Command(47532, "dbt run") };
        using var s3 = ceph.CreateClient();
        var syncer = h.Get<ArtifactSyncer>();
        await syncer.SyncAsync(s3, h.Connection, "daily_general", commands, 101, new DateTimeOffset(2025, 3, 31, 3, 0, 0, TimeSpan.Zero), default);
        await syncer.SyncAsync(s3, h.Connection, "daily_general", commands, 102, new DateTimeOffset(2025, 4, 14, 3, 0, 0, TimeSpan.Zero), default);
        await syncer.SyncAsync(s3, h.Connection, "daily_general", commands, 103, new DateTimeOffset(2025, 4, 14, 15, 0, 0, TimeSpan.Zero), default);
        var browser = h.Get<ArtifactBrowser>();

        var schedules = await browser.SchedulesAsync(h.Connection, default);

        Assert.Equal(["daily_general", "never_ran"], schedules.Select(s => s.Name));
        var daily = schedules[0];
        Assert.Equal(103, daily.Pointer!.RunId);
        Assert.Equal(["dbt seed", "dbt run"], daily.Pointer.Commands.Select(c => c.Command));
        Assert.Equal(4, daily.Pointer.Commands[1].Results!.Success);
        Assert.True(daily.Pointer.Commands[1].FileCount > 0);
        Assert.Equal(["2025-04", "2025-03"], daily.Months);
        Assert.Null(schedules[1].Pointer);
        Assert.NotNull(schedules[1].Problem);

        var april = await browser.MonthAsync(h.Connection, "daily_general", "2025-04", default);
        var day = Assert.Single(april);
        Assert.Equal(new DateOnly(2025, 4, 14), day.Date);
        Assert.Equal([103L, 102L], day.Runs.Select(r => r.RunId));
        Assert.Equal(daily.Pointer.Archive, day.Runs[0].Folder);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => browser.MonthAsync(h.Connection, "../x", "2025-04", default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => browser.MonthAsync(h.Connection, "daily_general", "April", default));
    }
}
