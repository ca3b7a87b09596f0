namespace Portal.IntegrationTests.ScaleOut;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Delivery;
using Portal.Tests.Shared;

/// <summary>Readiness of real portal processes on a PostgreSQL server of their own, which the test stops and starts.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly PortalNodes _nodes = new("health");
    private readonly PostgresServer _postgres = PostgresServer.Private();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _nodes.StopAllAsync();
        await _postgres.DisposeAsync();
    }

    private PortalProcess Start(string database, bool worker, Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Portal:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Portal"] = database + ";Timeout=3;Command Timeout=5",
            ["Portal:NodeId"] = worker ? "worker-health" : "web-health",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return _nodes.Start(settings, worker);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<JsonElement> WaitForReadyAsync(HttpClient client, HttpStatusCode want, TimeSpan timeout, PortalProcess? node = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Assert.False(node?.HasExited == true, "The node exited:\n" + string.Join('\n', node?.Output ?? []));
            try
            {
                var (status, body) = await ReadyAsync(client);
                if (status == want) return body;
                Assert.True(DateTime.UtcNow < deadline, $"/health/ready stayed {status}: {body}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Ready_turns_unhealthy_when_postgresql_stops_and_healthy_again_when_it_is_back_on_web_and_worker_nodes()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var web = Start(database, worker: false, new() { ["Portal:RunWorkers"] = "false" });
        await web.ApiAsync(_nodes.Token);
        var worker = Start(database, worker: true);
        await worker.WaitForOutputAsync("Workers started", TimeSpan.FromSeconds(60));
        using var webClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web.Port}") };
        using var workerClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{worker.Port}") };

        var webReady = await WaitForReadyAsync(webClient, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        var workerReady = await WaitForReadyAsync(workerClient, HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal("web-health", webReady.GetProperty("node").GetString());
        Assert.False(webReady.GetProperty("checks").TryGetProperty("scheduler", out _));
        Assert.Equal("worker-health", workerReady.GetProperty("node").GetString());
        Assert.Contains("Checked in to the cluster", workerReady.GetProperty("checks").GetProperty("scheduler").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await workerClient.GetAsync("/health/live")).StatusCode);

        await _postgres.StopAsync();
        var webDown = await WaitForReadyAsync(webClient, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        await WaitForReadyAsync(workerClient, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        Assert.Equal("Unhealthy", webDown.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.DoesNotContain("Host=", webDown.ToString(), StringComparison.Ordinal);
        // The process still answers: live is about the process, not its dependencies.
        Assert.Equal(HttpStatusCode.OK, (await webClient.GetAsync("/health/live")).StatusCode);

        await _postgres.StartAsync();
        await WaitForReadyAsync(webClient, HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        await WaitForReadyAsync(workerClient, HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        Assert.False(web.HasExited);
        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task A_web_node_and_two_workers_started_together_on_an_empty_database_all_get_ready()
    {
        var database = await _postgres.CreateDatabaseAsync();

        // Every node migrates at start: together, one at a time, and none fails on another's half-made tables.
        var nodes = new[]
        {
            Start(database, worker: false, new() { ["Portal:RunWorkers"] = "false", ["Portal:NodeId"] = "web-together" }),
            Start(database, worker: true, new() { ["Portal:NodeId"] = "worker-together-1" }),
            Start(database, worker: true, new() { ["Portal:NodeId"] = "worker-together-2" }),
        };

        foreach (var node in nodes)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.Port}") };
            await WaitForReadyAsync(client, HttpStatusCode.OK, TimeSpan.FromSeconds(120), node);
            Assert.False(node.HasExited, string.Join('\n', node.Output));
        }
    }
}
