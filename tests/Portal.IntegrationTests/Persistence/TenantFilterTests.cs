namespace Portal.IntegrationTests.Persistence;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

/// <summary>The tenant filter on a real PostgreSQL database, for every customer-owned set.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantFilterTests(PostgresServer postgres)
{
    [Fact]
    public async Task Each_actor_sees_exactly_what_it_may()
    {
        var options = new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(await postgres.CreateDatabaseAsync()).Options;
        var acme = new Customer { Name = "Acme" };
        var globex = new Customer { Name = "Globex" };
        await using (var db = new PostgresPortalDbContext(options, Actors.System()))
        {
            await db.Database.MigrateAsync();
            db.Customers.AddRange(acme, globex);
            foreach (var customer in new[] { acme, globex })
            {
                var connection = NewConnection(customer.Id);
                db.Connections.Add(connection);
                db.Runs.Add(new Run { ConnectionId = connection.Id, CustomerId = customer.Id, Kind = DeliveryKind.Dump });
            }
            await db.SaveChangesAsync();
        }

        await using (var asAcme = new PostgresPortalDbContext(options, Actors.CustomerUser(acme.Id)))
        {
            Assert.Equal([acme.Id], await asAcme.Customers.Select(c => c.Id).ToListAsync());
            Assert.All(await asAcme.Connections.ToListAsync(), c => Assert.Equal(acme.Id, c.CustomerId));
            Assert.All(await asAcme.Runs.ToListAsync(), r => Assert.Equal(acme.Id, r.CustomerId));
            Assert.Single(await asAcme.Runs.ToListAsync());
            Assert.Null(await asAcme.Customers.FirstOrDefaultAsync(c => c.Id == globex.Id));
            // Audit entries of the seeding belong to both customers; only Acme's are visible.
            Assert.All(await asAcme.AuditEntries.ToListAsync(), a => Assert.Equal(acme.Id, a.CustomerId));
        }

        await using (var anonymous = new PostgresPortalDbContext(options, Actors.Anonymous()))
        {
            Assert.Equal(0, await anonymous.Customers.CountAsync());
            Assert.Equal(0, await anonymous.Connections.CountAsync());
            Assert.Equal(0, await anonymous.Runs.CountAsync());
        }

        await using var system = new PostgresPortalDbContext(options, Actors.System());
        Assert.Equal(2, await system.Customers.CountAsync());
        Assert.Equal(2, await system.Runs.CountAsync());
    }

    internal static Connection NewConnection(Guid customerId) => new()
    {
        CustomerId = customerId,
        Name = "dumps",
        Bucket = "bucket-" + customerId.ToString("N")[..8],
        Region = "eu-west-1",
        ExternalId = ExternalIds.Create(),
        Streams = [new ConnectionStream { Name = "tracks", Table = "Track" }],
    };
}
