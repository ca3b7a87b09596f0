namespace Portal.Web.Tests.Components;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Customers;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Portal.Infrastructure.S3;
using Quartz;

/// <summary>The run services pages use, over a test database, as the portal registers them.</summary>
internal static class RunServices
{
    public static IServiceCollection AddRunServices(this IServiceCollection services, TestDatabase db)
    {
        services.AddSingleton<IDbContextFactory<PortalDbContext>>(db);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CustomerService>();
        services.AddSingleton<ConnectionService>();
        services.AddSingleton<RunRecorder>();
        // Quartz as the portal registers it, with its in-memory store and never started: the pages never reach it.
        services.AddQuartz();
        services.AddSingleton<ConnectionScheduler>();
        services.AddSingleton<RunActions>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton(Options.Create(new DatabaseOptions()));
        services.AddSingleton<OverviewQueries>();
        // The run lifecycle behind cancels and reruns; its reconciler never reaches S3 in these tests.
        services.AddLogging();
        services.AddSingleton<RunningRuns>();
        services.AddSingleton(new RunReconciler(
            new ConnectionCredentials(null!, Options.Create(new AwsOptions()), TimeProvider.System), new S3ClientFactory(), NullLogger<RunReconciler>.Instance));
        services.AddSingleton<RunLifecycle>();
        // Resuming a dump reads its folder only when asked to (never in these tests).
        services.AddSingleton(sp => new DumpResumes(db, sp.GetRequiredService<RunRecorder>(), sp.GetRequiredService<ConnectionScheduler>(),
            new ConnectionCredentials(null!, Options.Create(new AwsOptions()), TimeProvider.System), new S3ClientFactory()));
        return services;
    }
}
