namespace Portal.E2ETests;

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>
/// Secrets handed to the portal never come back on a page: every page, as an admin and as the connection's
/// Customer, read in Chromium after its circuit rendered, with the text of every message the circuit received.
/// </summary>
[Collection(PortalServerCollection.Name)]
public sealed class SecretsUiTests(PortalServer server, CephServer ceph)
{
    private const string AccessSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPAGESECRET9";
    private const string SourcePassword = "Page-Known-Secret-Password-77";

    [Fact]
    public async Task No_page_shows_a_secret_to_anyone()
    {
        var admin = server.ApiClient(server.App.AdminToken);
        var customer = await server.App.CreateCustomerAsync("Secrets UI " + Guid.NewGuid().ToString("N")[..6]);
        var source = await (await admin.PostAsJsonAsync("/api/v1/sources", new
        {
            customerId = customer.Id, name = "crm", kind = "postgres", connectionString = $"Host=127.0.0.1;Port=9;Database=crm;Username=reader;Password={SourcePassword}",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var bucket = await ceph.CreateBucketAsync("secrets-ui");
        var created = await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "secret-export", kind = "StreamExport", bucket, region = "us-east-1", endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            sourceId = source.GetProperty("id").GetGuid(), streams = new[] { new { name = "orders", table = "orders" } }, retries = 0,
            auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = AccessSecret },
        });
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = (await (await admin.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        for (var i = 0; i < 100 && (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}")).GetProperty("status").GetString() is "Queued" or "Running"; i++)
            await Task.Delay(200);
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);

        var seen = new StringBuilder();
        var pages = 0;
        foreach (var (email, password, paths) in new[]
        {
            (PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword, new[]
            {
                "/", "/customers", "/connections", $"/connections/{connection}", $"/connections/{connection}/edit", $"/connections/{connection}/setup",
                "/runs", $"/runs/{run}", "/buckets", $"/buckets/{connection}", "/admin/users", "/admin/audit", "/tokens",
            }),
            (user.Email, user.Password, new[] { "/", "/connections", $"/connections/{connection}", $"/connections/{connection}/setup", "/runs", $"/runs/{run}", "/buckets", "/tokens" }),
        })
        {
            var page = await server.NewPageAsync();
            page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => { lock (seen) seen.Append(frame.Text); };
            await PortalServer.SignInAsync(page, email, password);
            foreach (var path in paths)
            {
                await PortalServer.OpenAsync(page, path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var html = await page.ContentAsync();
                lock (seen) seen.Append(page.Url).Append(' ').Append(html);
                pages++;
            }
            await page.Context.CloseAsync();
        }

        var text = seen.ToString();
        Assert.True(pages >= 21);
        Assert.DoesNotContain(AccessSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SourcePassword, text, StringComparison.Ordinal);
        // Not even the tails that used to be shown as hints.
        Assert.DoesNotContain("••••" + SourcePassword[^4..], text, StringComparison.Ordinal);
    }
}
