namespace Portal.E2ETests;

using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

/// <summary>The connection editor with its live key preview, and a Customer's template sandbox, in Chromium against Ceph.</summary>
[Collection(PortalServerCollection.Name)]
public sealed class EditorUiTests(PortalServer server, CephServer ceph)
{
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    private static ILocator Keys(IPage page) => page.Locator("[data-testid=key-preview] .kt-key[data-run='0']");

    private static async Task PickAsync(IPage page, string testId, string text)
    {
        await page.Locator($".mud-select:has([data-testid={testId}]), [data-testid={testId}].mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = text }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>A screenshot for the README, from the run that tests the page.</summary>
    internal static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "wwwroot-assets", "readme", name), FullPage = false });

    [Fact]
    public async Task Customer_success_builds_a_stream_export_from_scratch_watching_the_keys_then_finds_the_files_under_them()
    {
        var customer = await server.App.CreateCustomerAsync("Editor " + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(server.App.DataDirectory, "sources"));
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(server.App.DataDirectory, "sources", "chinook-editor.sqlite"), overwrite: true);
        using var admin = server.ApiClient(server.App.AdminToken);
        Assert.True((await admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook-editor.sqlite" })).IsSuccessStatusCode);
        var bucket = await ceph.CreateBucketAsync("editor");
        var page = await server.NewPageAsync();
        await page.SetViewportSizeAsync(1600, 1000);
        // Customer Success's work; an admin does it here because only admins point a connection at a custom endpoint (Ceph).
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(page, $"/connections/new?customerId={customer.Id}");

        await Field(page, "name").FillAsync("invoices-e2e");
        await PickAsync(page, "kind", "Stream export");
        await PickAsync(page, "source", "chinook");
        await Field(page, "bucket").FillAsync(bucket);
        await Field(page, "region").FillAsync("us-east-1");
        await Field(page, "endpoint").FillAsync(ceph.Endpoint);
        await page.GetByText("Access key", new() { Exact = true }).ClickAsync();
        await Field(page, "access-key-id").FillAsync(CephServer.AccessKey);
        await Field(page, "secret-access-key").FillAsync(CephServer.SecretKey);

        // The table and the cursor are picked from the source; the stream is named after the table and previewed at once.
        await PickAsync(page, "stream-table-select", "Invoice");
        await PickAsync(page, "stream-cursor-select", "InvoiceDate (timestamp)");
        await Assertions.Expect(Keys(page).First).ToHaveTextAsync(new Regex(@"^invoice/\d{4}_\d{2}_\d{2}/[0-9a-f-]{36}_0+\.ndjson\.gz$"));

        // Each setting that shapes a key changes it as it is typed, before anything is saved.
        await Field(page, "prefix").PressSequentiallyAsync("sales/");
        await Assertions.Expect(Keys(page).First).ToHaveTextAsync(new Regex(@"^sales/invoice/"));
        await PickAsync(page, "format", "jsonl");
        await Assertions.Expect(Keys(page).First).ToHaveTextAsync(new Regex(@"\.jsonl\.gz$"));

        // A typo is marked where it is, and the keys come back when it is fixed.
        var template = page.Locator("#key-template-input");
        await template.FillAsync("");
        const string typo = "{stream_name}/{dat}/{stream_name}_{part}.{extension}";
        await template.PressSequentiallyAsync(typo);
        // The preview follows once the typing pauses: wait for it to show the whole template, not a state on the way.
        await Assertions.Expect(page.Locator("[data-testid=template-mirror]")).ToHaveTextAsync(typo);
        await Assertions.Expect(page.Locator("[data-testid=template-mirror] mark.kt-error")).ToHaveTextAsync("{dat}");
        await Assertions.Expect(page.Locator("[data-testid=template-errors] [data-code=unknown_macro]")).ToHaveAttributeAsync("data-position", "14");
        await Assertions.Expect(Keys(page)).ToHaveCountAsync(0);
        await template.FillAsync("{stream_name}/{date}/{stream_name}_{part}.{extension}");
        var today = DateTime.UtcNow.ToString("yyyy_MM_dd", System.Globalization.CultureInfo.InvariantCulture);
        var expected = $"sales/invoice/{today}/invoice_000000000000.jsonl.gz";
        await Assertions.Expect(Keys(page).First).ToHaveTextAsync(expected);
        await Assertions.Expect(page.Locator("[data-testid=template-errors] [data-code]")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "connection-editor.png");

        // Saved, run, and the file is where the preview said.
        await page.ClickAsync("[data-testid=save-connection]");
        await page.WaitForURLAsync(new Regex("/connections/[0-9a-f-]{36}$"));
        var connectionId = Guid.Parse(page.Url[^36..]);
        await PortalServer.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=key-summary] .kt-key").First).ToHaveTextAsync(expected);
        await page.ClickAsync("[data-testid=run-now]");
        await page.WaitForURLAsync(new Regex(@"/runs/\d+$"));
        await Assertions.Expect(page.Locator("[data-status]").First).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 90_000 });
        await PortalServer.OpenAsync(page, $"/buckets/{connectionId}?prefix={Uri.EscapeDataString(expected[..(expected.LastIndexOf('/') + 1)])}");
        await Assertions.Expect(page.Locator("[data-testid=object]", new() { HasText = "invoice_000000000000.jsonl.gz" })).ToHaveCountAsync(1);
        using var s3 = ceph.CreateClient();
        var objects = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key).ToList();
        // The data file where the preview said, and the run's manifest (on by default for stream exports) beside the data.
        Assert.Equal([expected], objects.Where(k => !k.StartsWith("sales/_manifests/", StringComparison.Ordinal) && !k.StartsWith("sales/_schemas/", StringComparison.Ordinal)));
        Assert.Single(objects, k => k.StartsWith("sales/_manifests/", StringComparison.Ordinal));
        Assert.Single(objects, k => k.StartsWith("sales/_schemas/", StringComparison.Ordinal)); // the stream's first schema file
    }

    [Fact]
    public async Task A_macro_from_the_palette_is_inserted_at_the_caret()
    {
        var customer = await server.App.CreateCustomerAsync("Palette " + Guid.NewGuid().ToString("N")[..6]);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(page, $"/connections/new?customerId={customer.Id}");
        await PickAsync(page, "kind", "Stream export");
        await Field(page, "stream-name").FillAsync("invoices");
        var input = page.Locator("#key-template-input");
        await input.FillAsync("a/_{part}.{extension}");
        await input.EvaluateAsync("el => el.setSelectionRange(2, 2)");

        await page.ClickAsync("[data-testid=macro-palette] [data-macro=stream_name]");

        await Assertions.Expect(input).ToHaveValueAsync("a/{stream_name}_{part}.{extension}");
        await Assertions.Expect(Keys(page).First).ToHaveTextAsync("a/invoices_000000000000.ndjson.gz");
    }

    [Fact]
    public async Task A_customer_tries_a_template_on_their_own_keys_and_can_only_propose_it()
    {
        var customer = await server.App.CreateCustomerAsync("Sandbox " + Guid.NewGuid().ToString("N")[..6]);
        var connection = new Connection
        {
            CustomerId = customer.Id, Name = "exports-" + Guid.NewGuid().ToString("N")[..6], Kind = DeliveryKind.StreamExport, Bucket = "acme-data",
            Region = "eu-west-1", Prefix = "portal/", ExternalId = ExternalIds.Create(), Format = "csv", Compression = "gzip", Schedule = "0 3 * * *",
            Streams = [new ConnectionStream { Name = "invoices", Table = "Invoice", CursorColumn = "InvoiceDate", CursorStart = "2025-04-14T11:23:45Z" }],
        };
        await using (var scope = server.App.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.Connections.Add(connection);
            await db.SaveChangesAsync();
        }
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);
        await PortalServer.OpenAsync(page, $"/connections/{connection.Id}");

        var input = page.Locator("#key-template-input");
        await input.FillAsync("");
        await input.PressSequentiallyAsync("mine/{stream_name}/{cursor_date_time}_{part}.{extension}");

        await Assertions.Expect(Keys(page).First).ToHaveTextAsync("portal/mine/invoices/2025_04_14_11_23_45_000000000000.csv.gz");
        await Assertions.Expect(page.Locator("[data-testid=save-template]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=edit-keys]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=proposal-note] textarea, textarea[data-testid=proposal-note]").First.FillAsync("A folder per cursor day, please.");
        await page.ClickAsync("[data-testid=propose-template]");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Sent to Customer Success");

        // Customer Success sees the proposal in the editor and takes it in one click; the connection itself did not change.
        var staff = await server.NewPageAsync();
        await PortalServer.SignInAsync(staff, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(staff, $"/connections/{connection.Id}/edit");
        await Assertions.Expect(staff.Locator("[data-testid=template-proposal]")).ToContainTextAsync("A folder per cursor day, please.");
        await staff.ClickAsync("[data-testid=use-proposal]");
        await Assertions.Expect(staff.Locator("#key-template-input")).ToHaveValueAsync("mine/{stream_name}/{cursor_date_time}_{part}.{extension}");
        await using var check = server.App.Services.CreateSystemScope();
        Assert.Null((await check.ServiceProvider.GetRequiredService<PortalDbContext>().Connections.FindAsync(connection.Id))!.Template);
    }
}
