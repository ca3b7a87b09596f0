namespace Portal.IntegrationTests.Runs;

using System.Net.Http.Json;
using System.Text.Json;

/// <summary>Following a run through the API until it ends.</summary>
internal static class RunPolling
{
    /// <summary>The run once it is no longer queued or running, or as last seen when <paramref name="timeout"/> (90 s) passes.</summary>
    public static async Task<JsonElement> WaitForEndAsync(this HttpClient api, long runId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var run = await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            if (run.GetProperty("status").GetString() is not ("Queued" or "Running") || DateTime.UtcNow > deadline) return run;
            await Task.Delay(200);
        }
    }
}
