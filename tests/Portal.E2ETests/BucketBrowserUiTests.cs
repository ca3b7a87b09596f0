namespace Portal.E2ETests;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

/// <summary>A customer looks at what was delivered: their bucket, the latest dump's receipt, a part's preview — a real dump in a real Ceph bucket.</summary>
[Collection(PortalServerCollection.Name)]
public sealed class BucketBrowserUiTests(PortalServer server, CephServer ceph) : IClassFixture<CephServer>
{
    [Fact]
    public async Task A_customer_opens_their_bucket_the_latest_receipt_and_a_parts_preview()
    {
        var customer = await server.App.CreateCustomerAsync("Browse " + Guid.NewGuid().ToString("N")[..6]);
        var (connection, runId) = await DumpAsync(customer.Id, "chinook-dumps-" + Guid.NewGuid().ToString("N")[..6]);
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        try
        {
            // The bucket list links to the browser, which starts at the connection's prefix.
            await page.GotoAsync("/buckets");
            await page.ClickAsync($"[data-connection='{connection.Id}']");
            await page.WaitForURLAsync($"**/buckets/{connection.Id}");
            await page.WaitForSelectorAsync("[data-testid=folder]");
            Assert.Contains($"s3://{connection.Bucket}/e2e/", await page.InnerTextAsync("[data-testid=breadcrumbs]"), StringComparison.Ordinal);

            // The prefix holds receipt.json: its page lists each table with the run that wrote it.
            await page.ClickAsync("[data-testid=receipt-link]");
            await page.WaitForURLAsync($"**/buckets/{connection.Id}/receipt?prefix=e2e%2F");
            await page.WaitForSelectorAsync("[data-testid=receipt-table]");
            Assert.Equal(["artist", "genre", "mediatype"], await page.Locator("[data-testid=receipt-table]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.table)"));
            Assert.Equal($"/runs/{runId}", await page.GetAttributeAsync("[data-testid=run-link]", "href"));

            await page.ClickAsync("[data-testid=verify]");
            await page.WaitForSelectorAsync("[data-testid=verify-summary]");
            Assert.Contains("Every table is complete", await page.InnerTextAsync("[data-testid=verify-summary]"), StringComparison.Ordinal);

            // The artist table's folder, then its part: a table of the first rows, decompressed from gzip.
            await page.ClickAsync("[data-table=artist] [data-testid=table-folder]");
            await page.WaitForSelectorAsync("[data-testid=object]");
            await page.ClickAsync("[data-testid=object]");
            await page.WaitForSelectorAsync("[data-testid=preview-table]");
            var headers = await page.Locator("[data-testid=preview-table] th").AllInnerTextsAsync();
            Assert.Equal(["ArtistId", "Name"], headers.Select(h => h.Trim()));
            Assert.Contains("AC/DC", await page.InnerTextAsync("[data-testid=preview-table]"), StringComparison.Ordinal);
            Assert.Contains("key=", page.Url, StringComparison.Ordinal);

            // The address holds the view: a reload shows the same folder and object.
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("[data-testid=preview-table]");
            Assert.Contains("AC/DC", await page.InnerTextAsync("[data-testid=preview-table]"), StringComparison.Ordinal);
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "portal-e2e-buckets.png"), FullPage = true });
            throw;
        }
    }

    [Fact]
    public async Task A_folder_outside_the_prefix_in_the_address_shows_nothing_of_it()
    {
        var customer = await server.App.CreateCustomerAsync("Clamp " + Guid.NewGuid().ToString("N")[..6]);
        var (connection, _) = await DumpAsync(customer.Id, "clamp-" + Guid.NewGuid().ToString("N")[..6]);
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        await PortalServer.OpenAsync(page, $"/buckets/{connection.Id}?prefix=e2e%2F..%2F");

        await page.WaitForSelectorAsync("text=Not in this bucket");
        Assert.Empty(await page.Locator("[data-testid=folder]").AllAsync());
    }

    /// <summary>A customer's dump connection to a fresh Ceph bucket, with three Chinook tables delivered by the real runner.</summary>
    private async Task<(Connection Connection, long RunId)> DumpAsync(Guid customerId, string name)
    {
        var sources = Path.Combine(server.App.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        var file = $"{name}.sqlite";
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, file), overwrite: true);
        await using var scope = server.App.Services.CreateSystemScope();
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        var source = new Source { CustomerId = customerId, Name = name, Kind = SourceKind.Sqlite, ConnectionStringCipher = protector.Protect(SecretKind.SourceConnectionString, $"Data Source={file}") };
        var connection = new Connection
        {
            CustomerId = customerId, Name = name, Kind = DeliveryKind.Dump, Bucket = await ceph.CreateBucketAsync("e2e"), Region = CephServer.Region, Prefix = "e2e/",
            Endpoint = ceph.Endpoint, ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey, AccessKeyId = CephServer.AccessKey,
            SecretAccessKeyCipher = protector.Protect(SecretKind.AccessKeySecret, CephServer.SecretKey), ExternalId = ExternalIds.Create(), SourceId = source.Id,
            Streams = new[] { "Artist", "Genre", "MediaType" }.Select((t, i) => new ConnectionStream { Name = t.ToLowerInvariant(), Table = t, Position = i }).ToList(),
        };
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Sources.Add(source);
        db.Connections.Add(connection);
        await db.SaveChangesAsync();
        var run = await scope.ServiceProvider.GetRequiredService<RunRecorder>().CreateAsync(connection, RunTrigger.Manual, 1, null, default);
        await scope.ServiceProvider.GetRequiredService<DeliveryRunner>().RunAsync(connection, source, new DeliveryRequest(run.Id, run.ConnectionRunId.ToString(), DateTimeOffset.UtcNow), _ => { }, null, default);
        return (connection, run.Id);
    }
}
