namespace Portal.E2ETests;

using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Tests.Shared;

[Collection(PortalServerCollection.Name)]
public sealed class ConnectionEditorTests(PortalServer server, CephServer ceph)
{
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task An_admin_creates_a_connection_runs_the_test_and_sees_the_checklist()
    {
        var customer = await server.App.CreateCustomerAsync("E2E " + Guid.NewGuid().ToString("N")[..6]);
        var bucket = await ceph.CreateBucketAsync("e2e");
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        await PortalServer.OpenAsync(page, $"/connections/new?customerId={customer.Id}");
        await Field(page, "name").FillAsync("chinook-e2e");
        await Field(page, "bucket").FillAsync(bucket);
        await Field(page, "region").FillAsync("us-east-1");
        await Field(page, "prefix").FillAsync("portal");
        await Field(page, "endpoint").FillAsync(ceph.Endpoint);
        await page.GetByText("Access key", new() { Exact = true }).ClickAsync();
        await Field(page, "access-key-id").FillAsync(CephServer.AccessKey);
        await Field(page, "secret-access-key").FillAsync(CephServer.SecretKey);
        await Field(page, "stream-name").FillAsync("tracks");
        await Field(page, "stream-table").FillAsync("Track");
        await page.ClickAsync("[data-testid=save-connection]");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/connections/[0-9a-f-]{36}$"));
        await PortalServer.WaitForInteractiveAsync(page);
        await page.ClickAsync("[data-testid=test-connection]");

        var steps = page.Locator("[data-testid=test-steps] [data-step]");
        await Assertions.Expect(steps).ToHaveCountAsync(7, new() { Timeout = 60_000 });
        foreach (var name in new[] { "Credentials", "Bucket", "Write", "Multipart upload", "Delete", "List" })
            await Assertions.Expect(page.Locator($"[data-testid=test-steps] [data-step='{name}']")).ToHaveAttributeAsync("data-status", "pass");
        await Assertions.Expect(page.Locator("[data-testid=test-steps] [data-step='ExternalId guard']")).ToHaveAttributeAsync("data-status", "skipped");
    }

    [Fact]
    public async Task Invalid_fields_are_marked_and_nothing_is_saved()
    {
        var customer = await server.App.CreateCustomerAsync("E2E " + Guid.NewGuid().ToString("N")[..6]);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(page, $"/connections/new?customerId={customer.Id}");

        await Field(page, "name").FillAsync("bad");
        await Field(page, "bucket").FillAsync("Bad_Bucket");
        await Field(page, "role-arn").FillAsync("portal-writer");
        await page.ClickAsync("[data-testid=save-connection]");

        await Assertions.Expect(page.Locator("[data-testid=form-errors]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("A bucket name has only lowercase letters, digits, '.' and '-'.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("A role ARN looks like arn:aws:iam::123456789012:role/portal-writer.")).ToBeVisibleAsync();
        Assert.EndsWith("/connections/new?customerId=" + customer.Id, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_opens_the_setup_assistant_of_their_connection()
    {
        var customer = await server.App.CreateCustomerAsync("E2E " + Guid.NewGuid().ToString("N")[..6]);
        using var admin = server.ApiClient(server.App.AdminToken);
        var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "/api/v1/connections", new
        {
            customerId = customer.Id, name = "setup-e2e", kind = "StreamExport", bucket = "acme-data", region = "eu-west-1", prefix = "exports/",
            auth = new { method = "AssumeRole", roleArn = "arn:aws:iam::123456789012:role/portal-writer" },
            streams = new[] { new { name = "invoices", table = "Invoice" } }, template = "{stream_name}/{date}/{connection_run_id}_{part}.{extension}",
        });
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content);
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        await PortalServer.OpenAsync(page, $"/connections/{body.GetProperty("id").GetGuid()}/setup");

        await Assertions.Expect(page.Locator("[data-testid=external-id]")).ToHaveTextAsync(body.GetProperty("externalId").GetString()!);
        var json = await page.Locator("[data-testid=setup-json]").First.InnerTextAsync();
        using var policy = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("arn:aws:s3:::acme-data/exports/*", policy.RootElement.GetProperty("Statement")[0].GetProperty("Resource").GetString());
        await Assertions.Expect(page.Locator("[data-testid=regenerate-external-id]")).ToHaveCountAsync(0);
    }
}
