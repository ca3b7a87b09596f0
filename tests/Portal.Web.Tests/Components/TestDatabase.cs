namespace Portal.Web.Tests.Components;

using System.Security.Claims;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;

/// <summary>A migrated SQLite file for component tests, seen as a given principal.</summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"portal-bunit-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<SqlitePortalDbContext> _options;

    public TestDatabase()
    {
        _options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={_path}").Options;
        using var db = new SqlitePortalDbContext(_options, System());
        db.Database.Migrate();
    }

    /// <summary>Who the page's queries run as; staff by default.</summary>
    public ClaimsPrincipal User { get; set; } = new(new ClaimsIdentity([new Claim(ClaimTypes.Role, "Admin"), new Claim(ClaimTypes.Name, "tester")], "test"));

    public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(_options, new CurrentActor(new FixedPrincipal(this)));

    /// <summary>A context that sees everything, for arranging data.</summary>
    public PortalDbContext CreateSystemContext() => new SqlitePortalDbContext(_options, System());

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private static CurrentActor System()
    {
        var actor = new CurrentActor(new FixedPrincipal(null));
        actor.ActAsSystem();
        return actor;
    }

    private sealed class FixedPrincipal(TestDatabase? db) : IPrincipalAccessor
    {
        public ClaimsPrincipal? Principal => db?.User;
    }
}
