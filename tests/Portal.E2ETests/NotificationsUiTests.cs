namespace Portal.E2ETests;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>Notifications in Chromium: an operator sets up email for a connection and hears of its failure.</summary>
[Collection(PortalServerCollection.Name)]
public sealed class NotificationsUiTests(PortalServer server, CephServer ceph)
{
    // Opens a MudSelect by its test id and picks the item with this text.
    private static async Task PickAsync(IPage page, string testId, string text)
    {
        // The test id lands on the select's input; its visible part is the wrapper around it.
        await page.Locator($".mud-select:has([data-testid={testId}]), [data-testid={testId}].mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = text }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task An_operator_adds_an_email_channel_and_a_rule_and_the_failed_dumps_email_arrives_and_is_logged_sent()
    {
        var admin = server.ApiClient(server.App.AdminToken);
        var customer = await server.App.CreateCustomerAsync("Mailed " + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(server.App.DataDirectory, "sources"));
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(server.App.DataDirectory, "sources", "chinook-mail.sqlite"), overwrite: true);
        var source = await (await admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook-mail.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var name = "mailed-dumps-" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name, kind = "Dump", bucket = "mailed-missing-" + Guid.NewGuid().ToString("N")[..8], region = "default", prefix = "portal/",
            endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(), streams = new[] { new { name = "artists", table = "Artist" } }, retries = 0,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var connectionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var to = $"oncall-{Guid.NewGuid():N}"[..15] + "@example.test";

        // The operator adds an email channel and a rule for the connection's failures.
        var op = await server.App.CreateUserAsync(Roles.Operator);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, op.Email, op.Password);
        await PortalServer.OpenAsync(page, "/notifications");
        await Field(page, "channel-name").FillAsync("On call " + name);
        await PickAsync(page, "channel-kind", "Email");
        await Field(page, "channel-email").FillAsync(to);
        await page.ClickAsync("[data-testid=create-channel]");
        await Assertions.Expect(page.Locator("[data-testid=channel-row]", new() { HasText = to })).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Rules") }).ClickAsync();
        await PickAsync(page, "rule-channel", "On call " + name);
        await PickAsync(page, "rule-scope", "One connection");
        await PickAsync(page, "rule-connection", name);
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "run.failed", Exact = true })).ToBeCheckedAsync();
        await page.ClickAsync("[data-testid=create-rule]");
        await Assertions.Expect(page.Locator("[data-testid=rule-row]", new() { HasText = name })).ToHaveCountAsync(1);

        // A dump fails; the email arrives with a link to the run, and the log says it was sent.
        var run = (await (await admin.PostAsync($"/api/v1/connections/{connectionId}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var mail = await server.Smtp.WaitForAsync(to, timeout: TimeSpan.FromSeconds(90));
        Assert.Contains($"Run {run}", mail.Subject, StringComparison.Ordinal);
        Assert.Contains($"/runs/{run}", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(CephServer.SecretKey, mail.TextBody + mail.HtmlBody, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Log" }).ClickAsync();
        var row = page.Locator("[data-testid=log-row][data-event='run.failed']", new() { Has = page.Locator($"a[href='/runs/{run}']") });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Sent", new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync("SMTP 250");
    }
}
