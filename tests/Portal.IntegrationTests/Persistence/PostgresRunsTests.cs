namespace Portal.IntegrationTests.Persistence;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>The runs console's queries on PostgreSQL: filters, needs attention, attempts, the watchdog.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRunsTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_runs_list_its_filters_the_attempt_chain_and_the_heartbeat_watchdog_work_on_postgres()
    {
        using var app = new PortalAppFactory();
        app.Settings["Portal:Database:Provider"] = "Postgres";
        app.Settings["ConnectionStrings:Portal"] = await postgres.CreateDatabaseAsync();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Runs:HeartbeatTimeout"] = "00:00:08";
        app.Settings["Portal:Runs:CheckInterval"] = "00:00:01";
        var admin = app.CreateApiClient(app.AdminToken);
        var acme = await app.CreateCustomerAsync("Acme PG");
        var globex = await app.CreateCustomerAsync("Globex PG");
        var now = DateTimeOffset.UtcNow;
        long first, retry, other, silent;
        await using (var scope = app.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            Connection Make(Guid customer, string name) => new()
            {
                CustomerId = customer, Name = name, Kind = DeliveryKind.Dump, Bucket = "nowhere", Region = "us-east-1", Endpoint = "http://127.0.0.1:9",
                AuthMethod = AuthMethod.AccessKey, AccessKeyId = "AK", ExternalId = Guid.NewGuid().ToString("N"), Enabled = false,
            };
            var a = Make(acme.Id, "acme-pg-dumps");
            var g = Make(globex.Id, "globex-pg-dumps");
            db.Connections.AddRange(a, g);
            await db.SaveChangesAsync();
            Run Failed(Connection c, DateTimeOffset at, string error, long? previous = null, int attempt = 1) => new()
            {
                ConnectionId = c.Id, CustomerId = c.CustomerId, Kind = c.Kind, Status = RunStatus.Failed, Trigger = RunTrigger.Schedule, QueuedAt = at,
                StartedAt = at, FinishedAt = at.AddSeconds(5), Error = error, PreviousAttemptId = previous, Attempt = attempt,
            };
            var r1 = Failed(a, now.AddDays(-3), "Access Denied by the bucket policy");
            db.Runs.Add(r1);
            await db.SaveChangesAsync();
            var r2 = Failed(a, now.AddDays(-3).AddMinutes(5), "Access Denied again", r1.Id, 2);
            var r3 = Failed(g, now.AddHours(-1), "The S3 server did not answer");
            var r4 = new Run
            {
                ConnectionId = g.Id, CustomerId = g.CustomerId, Kind = g.Kind, Status = RunStatus.Running, Trigger = RunTrigger.Manual,
                // Its last heartbeat is now: it turns silent (and is failed by the watchdog) once the list checks below are done.
                QueuedAt = now.AddMinutes(-30), StartedAt = now.AddMinutes(-30), HeartbeatAt = now,
            };
            db.Runs.AddRange(r2, r3, r4);
            await db.SaveChangesAsync();
            (first, retry, other, silent) = (r1.Id, r2.Id, r3.Id, r4.Id);
        }

        async Task<List<long>> IdsAsync(string query) =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/v1/runs?" + query)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();

        // Needs attention leaves out the attempt that was retried; filters combine; the text search reaches errors and names.
        Assert.Equal([other, retry], await IdsAsync("needsAttention=true&status=Failed"));
        Assert.Equal([retry, first], await IdsAsync($"customerId={acme.Id}"));
        Assert.Equal([other], await IdsAsync($"status=Failed&from={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}"));
        Assert.Equal([retry, first], await IdsAsync("q=Access%20Denied"));
        Assert.Equal([silent, other], await IdsAsync("q=globex-pg"));
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{first}");
        Assert.Equal([first, retry], detail.GetProperty("attempts").EnumerateArray().Select(a => a.GetInt64()));

        // The silent run is failed by the watchdog.
        var run = await admin.WaitForEndAsync(silent, TimeSpan.FromSeconds(30));
        Assert.Contains("no heartbeat", run.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Rerun all of one customer reruns exactly its failure that needs attention.
        var reruns = await (await admin.PostAsync($"/api/v1/runs/rerun-failed?customerId={acme.Id}", null)).Content.ReadFromJsonAsync<JsonElement>();
        var rerun = Assert.Single(reruns.GetProperty("runs").EnumerateArray()).GetInt64();
        Assert.Equal(retry, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{rerun}")).GetProperty("rerunOf").GetInt64());
    }
}
