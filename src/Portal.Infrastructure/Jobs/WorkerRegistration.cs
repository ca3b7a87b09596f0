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
    public static IHostApplicationBuilder AddPortalWorkers(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        builder.Services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(o => o.ConnectionStringName = "Portal");
                    store.UseClustering();
                }
                else
                {
                    store.UseSqlite(o => o.ConnectionStringName = "Portal");
                }
                // Creates the qrtz_ tables when missing; EF migrations own every other table.
                store.ProvisionSchema();
            });
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
