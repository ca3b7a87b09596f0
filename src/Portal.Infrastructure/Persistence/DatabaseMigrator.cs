namespace Portal.Infrastructure.Persistence;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

/// <summary>
/// Applies pending migrations at start-up, one node at a time: on PostgreSQL every node of a scale-out may start
/// together, so the migration runs under a session advisory lock (EF's own migration lock is taken per migration
/// transaction, which lets a second node start on a list it read before the first finished). On SQLite EF's lock
/// table suffices.
/// </summary>
public static class DatabaseMigrator
{
    // An arbitrary key of the portal's own: pg_advisory_lock(bigint) names the lock.
    private const long MigrationLockKey = 0x504F5254414C; // "PORTAL"

    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        if (!db.Database.IsNpgsql())
        {
            await MigrateAsync(db, logger, cancellationToken);
            return;
        }
        // A connection of its own, outside the pool: the lock is the session's, and closing it releases the lock even if this process dies.
        var builder = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.AddWithValue(MigrationLockKey);
            lockCommand.CommandTimeout = 0;
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await MigrateAsync(db, logger, cancellationToken);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            unlock.Parameters.AddWithValue(MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task MigrateAsync(PortalDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
            logger.LogInformation("Applying {Count} migration(s) to the {Provider} database", pending.Count, db.Database.ProviderName);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
