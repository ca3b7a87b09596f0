namespace Portal.IntegrationTests.Delivery;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portal.Tests.Shared;

/// <summary>The portal process is killed (SIGKILL) in the middle of a run, then started again.</summary>
[Collection(CephCollection.Name)]
public sealed class ProcessKillTests(CephServer ceph) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "portal-kill-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _token = "ptl_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    private PortalProcess? _portal;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_portal is not null) await _portal.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<HttpClient> StartPortalAsync()
    {
        if (_portal is not null) await _portal.DisposeAsync();
        _portal = PortalProcess.Start(new Dictionary<string, string>
        {
            ["Portal:DataDirectory"] = _data,
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(_data, "portal.db")}",
            ["Portal:Bootstrap:AdminEmail"] = "admin@kill.test",
            ["Portal:Bootstrap:AdminPassword"] = "Admin-Passw0rd!-kill",
            ["Portal:Bootstrap:AdminApiToken"] = _token,
        });
        return await _portal.ApiAsync(_token);
    }

    [Fact]
    public async Task A_run_of_a_killed_portal_is_not_left_running_and_is_retried_after_restart()
    {
        Directory.CreateDirectory(Path.Combine(_data, "sources"));
        BigTables.Create(Path.Combine(_data, "sources", "big.sqlite"), 400_000);
        var client = await StartPortalAsync();
        var customer = await (await client.PostAsJsonAsync("/api/v1/customers", new { name = "Kill" })).Content.ReadFromJsonAsync<JsonElement>();
        var source = await (await client.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.GetProperty("id").GetGuid(), name = "big", kind = "sqlite", connectionString = "Data Source=big.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var connection = await (await client.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.GetProperty("id").GetGuid(), name = "big-dumps", kind = "Dump", bucket = await ceph.CreateBucketAsync("kill"),
            region = "default", endpoint = ceph.Endpoint, checksumMode = "WhenRequired", compression = "none",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(), streams = new[] { new { name = "big", table = "big" } }, retries = 0,
        })).Content.ReadFromJsonAsync<JsonElement>();
        var connectionId = connection.GetProperty("id").GetGuid();
        var runId = (await (await client.PostAsync($"/api/v1/connections/{connectionId}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}")).GetProperty("status").GetString() != "Running")
        {
            Assert.True(DateTime.UtcNow < deadline, "The run never started.");
            await Task.Delay(50);
        }

        await _portal!.KillAsync();
        client = await StartPortalAsync();

        deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement killed, retry = default;
        while (true)
        {
            killed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            var next = await client.GetAsync($"/api/v1/runs/{runId + 1}");
            if (next.IsSuccessStatusCode) retry = await next.Content.ReadFromJsonAsync<JsonElement>();
            if (retry.ValueKind == JsonValueKind.Object && retry.GetProperty("status").GetString() is "Succeeded" or "Failed") break;
            Assert.True(DateTime.UtcNow < deadline, $"No finished retry; the killed run is {killed}");
            await Task.Delay(250);
        }
        Assert.Equal("Failed", killed.GetProperty("status").GetString());
        Assert.Equal("Interrupted: the worker stopped.", killed.GetProperty("error").GetString());
        Assert.Equal("Succeeded", retry.GetProperty("status").GetString());
        Assert.Equal(2, retry.GetProperty("attempt").GetInt32());
        // Quartz recovery re-executed the job: the new attempt is linked to the interrupted one, both ways.
        Assert.Equal(runId, retry.GetProperty("previousAttempt").GetInt64());
        Assert.Equal([runId, runId + 1], killed.GetProperty("attempts").EnumerateArray().Select(a => a.GetInt64()));
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}/events")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "Recovered");
        Assert.Equal(400_000, retry.GetProperty("streams")[0].GetProperty("rows").GetInt64());
    }
}
