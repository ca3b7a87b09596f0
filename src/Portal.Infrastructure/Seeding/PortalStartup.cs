namespace Portal.Infrastructure.Seeding;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;

/// <summary>What the web host does before it serves: migrate, seed roles and the bootstrap admin, and the demo when asked.</summary>
public static class PortalStartup
{
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration configuration, string contentRoot, CancellationToken cancellationToken = default)
    {
        await services.MigratePortalDatabaseAsync(cancellationToken);
        await using var scope = services.CreateSystemScope();
        var sp = scope.ServiceProvider;
        await sp.GetRequiredService<IdentitySeeder>().SeedAsync(sp.GetRequiredService<IOptions<BootstrapOptions>>().Value, cancellationToken);
        await SeedDemoAsync(sp, configuration, contentRoot, cancellationToken);
        // A process that meant to run the workers but finds another one running them on the same SQLite file
        // leaves Quartz's store and the runs to that process.
        if (services.GetService<Runs.RunWatchdog>() is not null && !services.GetRequiredService<WorkerLease>().Holds) return;
        await SyncSchedulesAsync(sp, cancellationToken);
        // Before Quartz starts (it starts with the host): runs a dead single node left running are ended.
        if (services.GetService<Runs.RunWatchdog>() is { } watchdog) await watchdog.FailInterruptedAtStartAsync(cancellationToken);
    }

    /// <summary>Every connection's job and trigger, in case the portal's database and Quartz's store drifted apart (a restore, seeding).</summary>
    private static async Task SyncSchedulesAsync(IServiceProvider sp, CancellationToken cancellationToken)
    {
        if (sp.GetService<ConnectionScheduler>() is not { } scheduler) return;
        var db = sp.GetRequiredService<PortalDbContext>();
        // With their children: an artifact sync without its schedules loaded would lose their triggers.
        foreach (var connection in await db.Connections.AsNoTracking().WithChildren().ToListAsync(cancellationToken))
            await scheduler.SyncAsync(connection, cancellationToken);
    }

    private static async Task SeedDemoAsync(IServiceProvider sp, IConfiguration configuration, string contentRoot, CancellationToken cancellationToken)
    {
        var demo = sp.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (!demo.Enabled) return;
        var dataDirectory = PortalOptions.ResolveDataDirectory(configuration, contentRoot);
        var created = await sp.GetRequiredService<DemoSeeder>().SeedAsync(demo, dataDirectory, cancellationToken);
        if (created.Count == 0)
        {
            Console.WriteLine("Demo data exists already; its passwords were shown at the first start (delete the data folder to start over).");
            return;
        }
        // Printed once to the console (not the log, which may be shipped elsewhere): the only time they are shown.
        Console.WriteLine();
        Console.WriteLine("Demo users (passwords are shown only now):");
        foreach (var (email, role, password) in created)
            Console.WriteLine($"  {role,-16} {email,-24} {password}");
        Console.WriteLine();

        // First runs right away, so Runs, Buckets and Home have something to show (only into the local S3 endpoint).
        if (!string.IsNullOrEmpty(demo.S3Endpoint) && sp.GetService<Runs.RunActions>() is { } runs)
        {
            foreach (var (name, run) in await sp.GetRequiredService<DemoSeeder>().QueueFirstRunsAsync(runs, cancellationToken))
                Console.WriteLine($"  {name,-18} first run queued as run {run}");
            Console.WriteLine($"  {DemoSeeder.FailingName} fails on purpose: its bucket '{demo.MissingBucket}' does not exist. Create it (see the README) and rerun it.");
            Console.WriteLine();
        }
    }
}
