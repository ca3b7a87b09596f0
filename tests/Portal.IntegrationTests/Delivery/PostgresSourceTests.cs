namespace Portal.IntegrationTests.Delivery;

using System.Text.Json;
using Npgsql;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Shared;

/// <summary>A PostgreSQL source: typed columns arrive in the files as the formats say.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSourceTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_postgres_table_is_dumped_with_its_types()
    {
        var ceph = new CephServer();
        await ceph.InitializeAsync();
        try
        {
            var connectionString = await postgres.CreateDatabaseAsync();
            await using (var db = new NpgsqlConnection(connectionString))
            {
                await db.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    CREATE TABLE orders (id bigint PRIMARY KEY, customer text, total numeric(12,2), ratio double precision,
                      placed_at timestamptz, due date, paid boolean, payload bytea);
                    INSERT INTO orders VALUES
                      (1, 'Zoë Ünïcode', 1234.50, 0.25, '2025-04-14 11:23:45+00', '2024-02-29', true, '\x0102'),
                      (2, NULL, 0.10, 'NaN', NULL, NULL, false, NULL);
                    """, db);
                await command.ExecuteNonQueryAsync();
            }
            using var dump = new DumpHarness(ceph, await ceph.CreateBucketAsync("pg"));
            var protector = (ISecretProtector)dump.App.Services.GetService(typeof(ISecretProtector))!;
            var source = new Source { Name = "pg", Kind = SourceKind.Postgres, ConnectionStringCipher = protector.Protect(SecretKind.SourceConnectionString, connectionString) };
            dump.Connection.Compression = "none";
            dump.Connection.Streams = [new ConnectionStream { Name = "orders", Table = "orders" }];

            // Progress bars get the planner's estimate once the table was analysed, and no count of a cursor range.
            await using (var db = new NpgsqlConnection(connectionString))
            {
                await db.OpenAsync();
                await using var analyse = new NpgsqlCommand("ANALYZE orders", db);
                await analyse.ExecuteNonQueryAsync();
            }
            await using (var reader = dump.App.Services.GetRequiredService<Portal.Infrastructure.Sources.SourceReaderFactory>().Open(source))
            {
                Assert.Equal(2, await reader.EstimateRowsAsync("orders", null, default));
                var cursor = await reader.CursorAsync("orders", "id", default);
                Assert.Equal(Portal.Core.Sources.CursorKind.Integer, cursor!.Kind);
                Assert.Null(await reader.EstimateRowsAsync("orders", new Portal.Infrastructure.Sources.CursorRange(cursor, null, "2"), default));
            }

            var outcome = await dump.App.Services.GetRequiredService<Portal.Infrastructure.Delivery.DeliveryRunner>().RunAsync(
                dump.Connection, source, new(1, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow), _ => { }, null, default);

            var lines = (await dump.TextAsync(outcome.Streams.Single().Files.Single().Key)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(
                """{"id":1,"customer":"Zoë Ünïcode","total":"1234.50","ratio":0.25,"placed_at":"2025-04-14T11:23:45Z","due":"2024-02-29","paid":true,"payload":"AQI="}""",
                lines[0]);
            Assert.Equal(
                """{"id":2,"customer":null,"total":"0.10","ratio":null,"placed_at":null,"due":null,"paid":false,"payload":null}""",
                lines[1]);
            using var schema = JsonDocument.Parse(await dump.TextAsync(outcome.Streams.Single().SchemaKey!));
            Assert.Equal(["INTEGER", "STRING", "NUMERIC", "FLOAT", "TIMESTAMP", "DATE", "BOOLEAN", "BYTES"],
                schema.RootElement.EnumerateArray().Select(c => c.GetProperty("type").GetString()));
            Assert.Equal("REQUIRED", schema.RootElement[0].GetProperty("mode").GetString());
        }
        finally
        {
            await ceph.DisposeAsync();
        }
    }
}
