namespace Portal.E2ETests;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>The operator's console in Chromium, with real runs into the Ceph S3 server.</summary>
[Collection(PortalServerCollection.Name)]
public sealed class RunsConsoleTests(PortalServer server, CephServer ceph)
{
    [Fact]
    public async Task An_operator_finds_a_failed_run_reruns_it_and_watches_it_succeed()
    {
        // A dump into a bucket that does not exist yet: its first run fails.
        var admin = server.ApiClient(server.App.AdminToken);
        var customer = await server.App.CreateCustomerAsync("Console " + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(server.App.DataDirectory, "sources"));
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(server.App.DataDirectory, "sources", "chinook-console.sqlite"), overwrite: true);
        var source = await (await admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook-console.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var bucket = "console-" + Guid.NewGuid().ToString("N")[..10];
        var name = "console-dumps-" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name, kind = "Dump", bucket, region = "default", prefix = "portal/", endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(),
            streams = new[] { new { name = "artists", table = "Artist" }, new { name = "tracks", table = "Track" } }, retries = 0,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var connectionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var failed = (await (await admin.PostAsync($"/api/v1/connections/{connectionId}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await WaitForAsync(admin, failed, "Failed");

        // The operator signs in and finds it among the runs that need attention.
        var op = await server.App.CreateUserAsync(Roles.Operator);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, op.Email, op.Password);
        await PortalServer.OpenAsync(page, "/runs");
        await page.Locator("input[data-testid=needs-attention]").CheckAsync();
        await page.Locator("input[data-testid=search]").FillAsync(name);
        var row = page.Locator("[data-testid=runs] tbody tr", new() { HasText = name });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "Failed");
        await row.Locator("[data-testid=run-link]").ClickAsync();

        // Its page says what went wrong and where.
        await page.WaitForURLAsync($"**/runs/{failed}");
        await Assertions.Expect(page.Locator("[data-testid=run-error]")).ToContainTextAsync("bucket");
        await Assertions.Expect(page.Locator("[data-testid=run-error-step]")).ToContainTextAsync("choosing the dump's folder");

        // The cause is fixed (the bucket now exists) and the operator reruns it.
        using (var s3 = ceph.CreateClient()) await s3.PutBucketAsync(bucket);
        await page.Locator("[data-testid=rerun]").ClickAsync();
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, @"/runs/\d+$") && !url.EndsWith($"/runs/{failed}", StringComparison.Ordinal));
        var rerun = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        // The page follows the run without a reload until it succeeds, every stream done.
        await Assertions.Expect(page.Locator("[data-status]").First).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("[data-testid=run-progress][data-state=Done]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=rerun-of]")).ToHaveTextAsync($"run {failed}");
        await Assertions.Expect(page.Locator("[data-testid=run-totals]")).ToContainTextAsync("rows");
        await page.Locator(".mud-tab", new() { HasText = "History" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-history]")).ToHaveAttributeAsync("data-points", "2");
        Assert.Equal(rerun, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{failed}")).GetProperty("reruns")[0].GetInt64());

        // The keys link into the bucket browser, the receipt included.
        await page.Locator(".mud-tab", new() { HasText = "Keys" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=receipt-link]")).ToHaveAttributeAsync("href", $"buckets/{connectionId}/receipt?prefix=portal%2F");

        // The failure it fixed is resolved and no longer needs attention.
        await PortalServer.OpenAsync(page, $"/runs/{failed}");
        await Assertions.Expect(page.Locator("[data-testid=resolved]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=reruns]")).ToContainTextAsync($"run {rerun}");
    }

    private static async Task WaitForAsync(HttpClient api, long runId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}")).GetProperty("status").GetString() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} never became {status}.");
            await Task.Delay(200);
        }
    }
}
