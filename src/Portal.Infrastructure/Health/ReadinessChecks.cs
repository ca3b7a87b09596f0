namespace Portal.Infrastructure.Health;

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Quartz;

/// <summary>The database answers and every migration this build knows is applied.</summary>
internal sealed class DatabaseReadyCheck(IDbContextFactory<PortalDbContext> contexts, CurrentActor actor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        actor.ActAsSystem();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("The database does not answer.");
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy("Reachable; migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending} migrations are not applied yet.");
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            // The message only: a connection string or host must not reach an anonymous endpoint.
            return HealthCheckResult.Unhealthy($"The database does not answer ({e.GetType().Name}).");
        }
    }
}

/// <summary>
/// This node's Quartz scheduler runs: on SQLite, this process holds the worker lease (one writer per file); when
/// clustered, the scheduler checked in to the cluster within its interval, as the other nodes judge it (a node that
/// cannot reach the database long enough is counted dead by the others, and its runs are taken over).
/// </summary>
internal sealed class SchedulerReadyCheck(ISchedulerFactory factory, Jobs.WorkerLease lease, IOptions<DatabaseOptions> database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var clustered = database.Value.Provider == DatabaseProvider.Postgres;
        if (!clustered && !lease.Holds)
            return HealthCheckResult.Unhealthy("Another process holds this database's worker lease: this one runs no workers.");
        var scheduler = await factory.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        if (status != SchedulerStatus.Running) return HealthCheckResult.Unhealthy($"The scheduler is {status}, not running.");
        if (!clustered) return HealthCheckResult.Healthy("The scheduler runs and this process holds the worker lease.");
        try
        {
            var self = (await scheduler.QueryClusterNodes(cancellationToken)).FirstOrDefault(n => n.IsCurrentNode);
            if (self?.LastCheckInUtc is not { } checkedIn) return HealthCheckResult.Unhealthy("The scheduler has not checked in to the cluster.");
            var age = DateTimeOffset.UtcNow - checkedIn;
            return self.State == ClusterNodeState.Alive
                ? HealthCheckResult.Healthy($"Checked in to the cluster {Math.Max(0, age.TotalSeconds):0.#} s ago (every {self.CheckInInterval?.TotalSeconds:0.#} s).")
                : HealthCheckResult.Unhealthy($"Last checked in to the cluster {age.TotalSeconds:0} s ago: the other nodes count it {self.State}.");
        }
        catch (Exception e) when (e is DbException or JobPersistenceException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"The cluster's state cannot be read ({e.GetType().Name}).");
        }
    }
}
