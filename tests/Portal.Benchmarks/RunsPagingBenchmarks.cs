namespace Portal.Benchmarks;

using System.Globalization;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;

/// <summary>
/// The runs list at 100,000 runs (two streams each) in the embedded SQLite store: a page of the
/// portal's list (EF Core, tenant filter, count, streams) against the hand-written SQL an engineer
/// would write for the same page on the same file (the baseline of each category), first page and
/// deep page, all runs and one customer's.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RunsPagingBenchmarks : IDisposable
{
    public const int Runs = 100_000;
    private static readonly string DbPath = Path.Combine(Path.GetTempPath(), $"portal-runs-bench-{Runs}.db");

    private RunQueries _staff = default!;
    private RunQueries _customer = default!;
    private Guid _customerId;
    private SqliteConnection _raw = default!;

    [GlobalSetup]
    public void Setup()
    {
        if (!File.Exists(DbPath)) Seed();
        using (var db = new Factory(null).CreateDbContext()) _customerId = db.Customers.OrderBy(c => c.Name).First().Id;
        _staff = new RunQueries(new Factory(null));
        _customer = new RunQueries(new Factory(_customerId));
        _raw = new SqliteConnection($"Data Source={DbPath}");
        _raw.Open();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _raw?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static void Seed()
    {
        var tmp = DbPath + ".tmp";
        File.Delete(tmp);
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={tmp}").Options;
        using (var db = new SqlitePortalDbContext(options, SystemActor()))
        {
            db.Database.Migrate();
            var customers = Enumerable.Range(0, 10).Select(i => new Customer { Name = $"Customer {i:D2}" }).ToList();
            db.Customers.AddRange(customers);
            var connections = customers.SelectMany(c => Enumerable.Range(0, 10).Select(i => new Connection
            {
                CustomerId = c.Id, Name = $"{c.Name} dumps {i}", Kind = (DeliveryKind)(i % 3), Bucket = "bench", Region = "eu-west-1", ExternalId = Guid.NewGuid().ToString("N"),
            })).ToList();
            db.Connections.AddRange(connections);
            db.SaveChanges();
            var start = DateTimeOffset.UtcNow.AddDays(-100);
            var random = new Random(42);
            for (var batch = 0; batch < Runs / 10_000; batch++)
            {
                for (var i = 0; i < 10_000; i++)
                {
                    var n = batch * 10_000 + i;
                    var c = connections[random.Next(connections.Count)];
                    var status = random.Next(20) == 0 ? RunStatus.Failed : RunStatus.Succeeded;
                    var at = start.AddMinutes(n * 1.44);
                    db.Runs.Add(new Run
                    {
                        ConnectionId = c.Id, CustomerId = c.CustomerId, Kind = c.Kind, Status = status, Trigger = RunTrigger.Schedule, Resolved = status == RunStatus.Failed && random.Next(2) == 0,
                        QueuedAt = at, StartedAt = at, FinishedAt = at.AddSeconds(30), Rows = 1000, Bytes = 100_000, Parts = 2,
                        Error = status == RunStatus.Failed ? "Writing to the bucket failed: Access Denied" : null,
                        Streams = [new RunStream { Name = "orders", Rows = 600 }, new RunStream { Name = "customers", Rows = 400 }],
                    });
                }
                db.SaveChanges();
                db.ChangeTracker.Clear();
            }
        }
        SqliteConnection.ClearAllPools();
        File.Move(tmp, DbPath);
    }

    private static CurrentActor SystemActor()
    {
        var actor = new CurrentActor(new FixedPrincipal(null));
        actor.ActAsSystem();
        return actor;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("First page")]
    public int HandWrittenFirstPage() => RawPage(null, 0);

    [Benchmark, BenchmarkCategory("First page")]
    public int PortalFirstPage() => _staff.ListAsync(new RunQuery(Page: 1), default).GetAwaiter().GetResult().Items.Count;

    [Benchmark(Baseline = true), BenchmarkCategory("Page 1000")]
    public int HandWrittenDeepPage() => RawPage(null, 999);

    [Benchmark, BenchmarkCategory("Page 1000")]
    public int PortalDeepPage() => _staff.ListAsync(new RunQuery(Page: 1000), default).GetAwaiter().GetResult().Items.Count;

    [Benchmark(Baseline = true), BenchmarkCategory("Customer page 100")]
    public int HandWrittenCustomerPage() => RawPage(_customerId, 99);

    [Benchmark, BenchmarkCategory("Customer page 100")]
    public int PortalCustomerPage() => _customer.ListAsync(new RunQuery(Page: 100), default).GetAwaiter().GetResult().Items.Count;

    [Benchmark, BenchmarkCategory("Needs attention")]
    public int PortalNeedsAttention() => _staff.ListAsync(new RunQuery(NeedsAttention: true), default).GetAwaiter().GetResult().Total;

    [Benchmark(Baseline = true), BenchmarkCategory("Needs attention")]
    public int HandWrittenNeedsAttention()
    {
        using var command = _raw.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Runs r WHERE r.Status = @failed AND r.Resolved = 0 AND NOT EXISTS (SELECT 1 FROM Runs x WHERE x.PreviousAttemptId = r.Id)";
        command.Parameters.AddWithValue("@failed", RunStatus.Failed.ToString());
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The same page by hand: count, 50 runs newest first, their streams.</summary>
    private int RawPage(Guid? customer, int page)
    {
        var where = customer is null ? "" : "WHERE CustomerId = @customer";
        using var count = _raw.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM Runs {where}";
        if (customer is { } c) count.Parameters.AddWithValue("@customer", c.ToString().ToUpperInvariant());
        _ = count.ExecuteScalar();
        using var list = _raw.CreateCommand();
        list.CommandText = $"SELECT Id, ConnectionId, CustomerId, Kind, Trigger, Status, Attempt, QueuedAt, StartedAt, FinishedAt, Error, Rows, Bytes, Parts, KeysJson FROM Runs {where} ORDER BY Id DESC LIMIT 50 OFFSET {page * 50}";
        if (customer is { } c2) list.Parameters.AddWithValue("@customer", c2.ToString().ToUpperInvariant());
        var ids = new List<long>();
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
                for (var i = 1; i < reader.FieldCount; i++) _ = reader.GetValue(i);
            }
        }
        if (ids.Count == 0) return 0;
        using var streams = _raw.CreateCommand();
        streams.CommandText = $"SELECT Id, RunId, Name, Rows, Parts, Bytes FROM RunStreams WHERE RunId IN ({string.Join(',', ids)})";
        using var s = streams.ExecuteReader();
        while (s.Read()) _ = s.GetInt64(1);
        return ids.Count;
    }

    /// <summary>Prints the SQL of the portal's queries (<c>dotnet run -c Release -- runs-sql</c>), to read their plans.</summary>
    public static async Task<int> PrintSqlAsync()
    {
        if (!File.Exists(DbPath)) Seed();
        var actions = new RunQueries(new Factory(null, log: true));
        for (var i = 0; i < 3; i++) await actions.ListAsync(new RunQuery(NeedsAttention: true), default);
        return 0;
    }

    private sealed class Factory(Guid? customer, bool log = false) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<SqlitePortalDbContext> _options = log
            ? new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={DbPath}").LogTo(Console.WriteLine, Microsoft.Extensions.Logging.LogLevel.Information).Options
            : new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={DbPath}").Options;

        public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(_options, customer is null ? SystemActor() : new CurrentActor(new FixedPrincipal(customer)));
    }

    private sealed class FixedPrincipal(Guid? customer) : IPrincipalAccessor
    {
        public ClaimsPrincipal? Principal => customer is { } c
            ? new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Roles.Customer), new Claim(PortalClaims.CustomerId, c.ToString())], "bench"))
            : null;
    }
}
