namespace Portal.IntegrationTests.Persistence;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

[Collection(PostgresCollection.Name)]
public sealed class MigrationsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Postgres_migrations_apply_to_an_empty_database_and_match_the_model()
    {
        var options = new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(await postgres.CreateDatabaseAsync()).Options;
        await using var db = new PostgresPortalDbContext(options, Actors.System());

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration.");
        Assert.Equal(0, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task Sqlite_migrations_apply_to_an_empty_file_and_match_the_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"portal-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={path}").Options;
            await using var db = new SqlitePortalDbContext(options, Actors.System());

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration.");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
