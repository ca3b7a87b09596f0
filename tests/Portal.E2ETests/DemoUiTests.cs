namespace Portal.E2ETests;

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Runs;
using Portal.Infrastructure.Seeding;
using Portal.Tests.Shared;

/// <summary>
/// The demo as `bash .ci/demo` seeds it, into Ceph: the dump, the stream export and the artifact sync deliver, the
/// connection without a bucket fails, and an operator reruns it from Home once the bucket exists.
/// </summary>
[Collection(PortalServerCollection.Name)]
public sealed class DemoUiTests(PortalServer server, CephServer ceph)
{
    [Fact]
    public async Task The_demo_shows_every_delivery_and_an_operator_reruns_its_failure_after_creating_the_bucket()
    {
        var bucket = await ceph.CreateBucketAsync("demo");
        var missing = "demo-lake-" + Guid.NewGuid().ToString("N")[..8];
        IReadOnlyList<(string Email, string Role, string Password)> users;
        IReadOnlyList<(string Connection, long Run)> runs;
        await using (var scope = server.App.Services.CreateSystemScope())
        {
            var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
            users = await seeder.SeedAsync(new DemoOptions
            {
                Enabled = true, SourceFile = RepoPaths.ChinookDatabase, S3Endpoint = ceph.Endpoint, S3AccessKey = CephServer.AccessKey,
                S3SecretKey = CephServer.SecretKey, Bucket = bucket, MissingBucket = missing,
                DbtTargetFolder = Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target"),
            }, server.App.DataDirectory, default);
            runs = await seeder.QueueFirstRunsAsync(scope.ServiceProvider.GetRequiredService<RunActions>(), default);
        }
        Assert.Equal([DemoSeeder.ConnectionName, DemoSeeder.ExportName, DemoSeeder.ArtifactsName, DemoSeeder.FailingName], runs.Select(r => r.Connection));
        using var admin = server.ApiClient(server.App.AdminToken);
        foreach (var (name, run) in runs)
            Assert.Equal(name == DemoSeeder.FailingName ? "Failed" : "Succeeded", await EndAsync(admin, run));
        var failed = runs.Single(r => r.Connection == DemoSeeder.FailingName).Run;

        // The operator finds the failure on Home, with its cause.
        var op = users.Single(u => u.Role == Roles.Operator);
        var page = await server.NewPageAsync();
        await page.SetViewportSizeAsync(1440, 1000);
        await PortalServer.SignInAsync(page, op.Email, op.Password);
        await PortalServer.OpenAsync(page, "/");
        var failure = page.Locator($"[data-testid=attention-run][data-run='{failed}']");
        await Assertions.Expect(failure).ToContainTextAsync(DemoSeeder.FailingName);
        await Assertions.Expect(page.Locator("[data-testid=daily-charts]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=worker]").First).ToHaveAttributeAsync("data-state", "Alive");
        await EditorUiTests.ScreenshotAsync(page, "home.png");
        await failure.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync($"**/runs/{failed}");
        await Assertions.Expect(page.Locator("[data-testid=run-error]")).ToContainTextAsync("bucket does not exist");

        // The bucket is created (the README's `bash .ci/demo create-bucket`), and the rerun delivers.
        using (var s3 = ceph.CreateClient()) await s3.PutBucketAsync(missing);
        await page.Locator("[data-testid=rerun]").ClickAsync();
        await page.WaitForURLAsync(url => Regex.IsMatch(url, @"/runs/\d+$") && !url.EndsWith($"/runs/{failed}", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-status]").First).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 90_000 });

        await PortalServer.OpenAsync(page, "/runs");
        await Assertions.Expect(page.Locator("[data-testid=runs] tbody tr").First).ToBeVisibleAsync();
        await EditorUiTests.ScreenshotAsync(page, "runs.png");
    }

    private static async Task<string> EndAsync(HttpClient api, long runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}")).GetProperty("status").GetString()!;
            if (status is "Succeeded" or "Failed" or "Cancelled") return status;
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} is still {status}.");
            await Task.Delay(250);
        }
    }
}
