namespace Portal.Infrastructure.Jobs;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Persistence;
using Quartz;

public static class WorkerRegistration
{
    /// <summary>
    /// Quartz with a persistent job store in the portal's own database. On PostgreSQL the store is
    /// clustered, so several worker nodes share the schedule and a dead node's jobs are recovered;
    /// SQLite is a single-node store (Quartz refuses to cluster on it).
    /// </summary>
    /// <param name="runWorkers">False on web nodes of a scale-out: they schedule jobs into the shared store but run none.</param>
    public static IHostApplicationBuilder AddPortalWorkers(this IHostApplicationBuilder builder, bool runWorkers = true)
    {
        var provider = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        // How many runs one worker process executes at once; more wait in Quartz's queue (a bulk rerun queues, it does not swamp).
        var concurrency = builder.Configuration.GetValue("Portal:Workers:MaxConcurrency", Math.Max(4, 2 * Environment.ProcessorCount));
        Runs.RunLifecycle.NameNode(builder.Configuration["Portal:NodeId"]);
        builder.Services.AddQuartz(q =>
        {
            // A named node is known to the cluster by that name; unnamed, Quartz generates a unique id (several hosts in one
            // process, as in tests, must not share one: Quartz keeps one scheduler per name and id in a process).
            if (!string.IsNullOrWhiteSpace(builder.Configuration["Portal:NodeId"])) q.ConfigureScheduler(s => s.InstanceId = Runs.RunLifecycle.Node);
            // An idle worker looks for due triggers this often: a run queued on a web node (another process) reaches it
            // within this (Quartz's default left a run-now waiting almost 4 s on average; one query a second is cheap).
            var idle = builder.Configuration.GetValue("Portal:Workers:IdleWaitTime", TimeSpan.FromSeconds(1));
            q.ConfigureScheduler(s => s.IdleWaitTime = idle);
            q.UseDefaultThreadPool(tp => tp.MaxConcurrency = concurrency);
            q.UsePersistentStore(store =>
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(o => o.ConnectionStringName = "Portal");
                    // A dead node's runs are taken over after its missed check-in plus the threshold (about 15-20 s by default).
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = builder.Configuration.GetValue("Portal:Workers:ClusterCheckinInterval", TimeSpan.FromSeconds(7.5));
                        c.CheckinMisfireThreshold = builder.Configuration.GetValue("Portal:Workers:ClusterCheckinMisfireThreshold", TimeSpan.FromSeconds(7.5));
                    });
                }
                else
                {
                    store.UseSqlite(o => o.ConnectionStringName = "Portal");
                }
                // Creates the qrtz_ tables when missing; EF migrations own every other table.
                store.ProvisionSchema();
            });
        });
        builder.Services.AddScoped<Runs.RunRecorder>();
        builder.Services.AddScoped<Runs.RunLifecycle>();
        builder.Services.AddScoped<Runs.RunReconciler>();
        builder.Services.AddSingleton<Runs.RunningRuns>();
        builder.Services.AddSingleton<WorkerLease>();
        builder.Services.AddScoped<ConnectionScheduler>();
        builder.Services.AddScoped<ArtifactRun>();
        builder.Services.AddScoped<Runs.RunActions>();
        builder.Services.AddScoped<Runs.DumpResumes>();
        builder.Services.AddScoped<Runs.OverviewQueries>();
        builder.Services.AddOptions<Runs.RunRecoveryOptions>().Bind(builder.Configuration.GetSection(Runs.RunRecoveryOptions.Section))
            .Configure(o => o.SingleNode = provider != DatabaseProvider.Postgres);
        if (runWorkers)
        {
            // The host waits for the grace, then for the handed-back runs to be recorded.
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = WorkerHost.ShutdownGrace(builder.Configuration) + TimeSpan.FromSeconds(30));
            // Quartz starts only in the process that holds the store's worker lease (one per SQLite file).
            builder.Services.AddHostedService<WorkerHost>();
            builder.Services.AddSingleton<Runs.RunWatchdog>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Runs.RunWatchdog>());
        }
        return builder;
    }
}
