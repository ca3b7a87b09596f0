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
public sealed class BucketBrowserUiTests(PortalServer server, CephServer ceph)
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

    [Fact]
    public async Task A_big_folder_loads_a_thousand_keys_at_a_time_is_searched_by_name_and_a_file_downloads()
    {
        var customer = await server.App.CreateCustomerAsync("Big " + Guid.NewGuid().ToString("N")[..6]);
        var connection = await ConnectionAsync(customer.Id, "big-" + Guid.NewGuid().ToString("N")[..6], prefix: "big/");
        using (var s3 = ceph.CreateClient())
        {
            // 1,003 objects: one full page of 1,000, then three more.
            await Parallel.ForEachAsync(Enumerable.Range(0, 1003), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
                await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
                {
                    BucketName = connection.Bucket, Key = $"big/parts/part-{i:D4}.csv", ContentBody = $"id,part\n{i},{i * 7}\n", ContentType = "text/csv",
                }, ct));
        }
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        await PortalServer.OpenAsync(page, $"/buckets/{connection.Id}?prefix=big%2Fparts%2F");

        var rows = page.Locator("[data-testid=object]");
        await Assertions.Expect(page.Locator("[data-testid=loaded]")).ToContainTextAsync("1,000 objects loaded (more in the bucket)");
        await Assertions.Expect(rows).ToHaveCountAsync(1000);
        await page.ClickAsync("[data-testid=load-more]");
        await Assertions.Expect(page.Locator("[data-testid=loaded]")).ToHaveTextAsync("0 folders, 1,003 objects loaded");
        await Assertions.Expect(rows).ToHaveCountAsync(1003);
        await Assertions.Expect(page.Locator("[data-testid=load-more]")).ToHaveCountAsync(0);

        // The search box lists the names starting with what is typed, and the address keeps it.
        await page.Locator("input[data-testid=search]").FillAsync("part-100");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        Assert.Contains("search=part-100", page.Url, StringComparison.Ordinal);

        // Download saves the file under its own name with its bytes.
        await rows.First.ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=download]"));
        Assert.Equal("part-1000.csv", download.SuggestedFilename);
        Assert.Equal("id,part\n1000,7000\n", await File.ReadAllTextAsync((await download.PathAsync())!));
    }

    /// <summary>A customer's connection to a fresh Ceph bucket (with its source, when it has one).</summary>
    private async Task<Connection> ConnectionAsync(Guid customerId, string name, string prefix, Func<ISecretProtector, Source>? source = null, params string[] tables)
    {
        await using var scope = server.App.Services.CreateSystemScope();
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        var from = source?.Invoke(protector);
        var connection = new Connection
        {
            CustomerId = customerId, Name = name, Kind = DeliveryKind.Dump, Bucket = await ceph.CreateBucketAsync("e2e"), Region = CephServer.Region, Prefix = prefix,
            Endpoint = ceph.Endpoint, ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey, AccessKeyId = CephServer.AccessKey,
            SecretAccessKeyCipher = protector.Protect(SecretKind.AccessKeySecret, CephServer.SecretKey), ExternalId = ExternalIds.Create(), SourceId = from?.Id,
            Streams = tables.Select((t, i) => new ConnectionStream { Name = t.ToLowerInvariant(), Table = t, Position = i }).ToList(),
        };
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (from is not null) db.Sources.Add(from);
        db.Connections.Add(connection);
        await db.SaveChangesAsync();
        return connection;
    }

    /// <summary>A customer's dump connection to a fresh Ceph bucket, with three Chinook tables delivered by the real runner.</summary>
    private async Task<(Connection Connection, long RunId)> DumpAsync(Guid customerId, string name)
    {
        var sources = Path.Combine(server.App.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        var file = $"{name}.sqlite";
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, file), overwrite: true);
        Source? source = null;
        var connection = await ConnectionAsync(customerId, name, "e2e/", protector => source = new Source
        {
            CustomerId = customerId, Name = name, Kind = SourceKind.Sqlite, ConnectionStringCipher = protector.Protect(SecretKind.SourceConnectionString, $"Data Source={file}"),
        }, "Artist", "Genre", "MediaType");
        await using var scope = server.App.Services.CreateSystemScope();
        var run = await scope.ServiceProvider.GetRequiredService<RunRecorder>().CreateAsync(connection, RunTrigger.Manual, 1, null, default);
        await scope.ServiceProvider.GetRequiredService<DeliveryRunner>().RunAsync(connection, source!, new DeliveryRequest(run.Id, run.ConnectionRunId.ToString(), DateTimeOffset.UtcNow), _ => { }, null, default);
        return (connection, run.Id);
    }
}
