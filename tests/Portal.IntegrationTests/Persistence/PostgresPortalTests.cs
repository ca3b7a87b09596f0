namespace Portal.IntegrationTests.Persistence;

using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Portal.Tests.Shared;

/// <summary>The whole portal on PostgreSQL with the clustered Quartz store, as a scale-out node runs it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPortalTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_portal_runs_on_postgres_with_a_clustered_quartz_store()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        using var app = new PortalAppFactory();
        app.Settings["Portal:Database:Provider"] = "Postgres";
        app.Settings["ConnectionStrings:Portal"] = connectionString;
        app.Settings["Portal:RunWorkers"] = "true";

        var created = await app.CreateApiClient(app.AdminToken).PostAsJsonAsync("/api/v1/customers", new { name = "On Postgres" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var customers = new NpgsqlCommand("select count(*) from \"Customers\" where \"Name\" = 'On Postgres'", connection);
        Assert.Equal(1L, await customers.ExecuteScalarAsync());
        // The clustered scheduler checks in to its state table once it runs.
        await using var state = new NpgsqlCommand("select count(*) from qrtz_scheduler_state", connection);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long instances;
        while ((instances = (long)(await state.ExecuteScalarAsync())!) == 0 && DateTime.UtcNow < deadline) await Task.Delay(250);
        Assert.Equal(1L, instances);
    }
}
