namespace Portal.E2ETests;

using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Users;

[Collection(PortalServerCollection.Name)]
public sealed class TenantIsolationUiTests(PortalServer server)
{
    [Fact]
    public async Task A_customer_user_sees_only_their_own_areas_and_data()
    {
        var mine = await server.App.CreateCustomerAsync("Mine " + Guid.NewGuid().ToString("N")[..6]);
        var theirs = await server.App.CreateCustomerAsync("Theirs " + Guid.NewGuid().ToString("N")[..6]);
        await using (var scope = server.App.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            db.Connections.Add(NewConnection(mine.Id, "my-dumps"));
            db.Connections.Add(NewConnection(theirs.Id, "their-secret-dumps"));
            await db.SaveChangesAsync();
        }
        var user = await server.App.CreateUserAsync(Roles.Customer, mine.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        var nav = (await page.Locator("[data-testid=nav] a.mud-nav-link").AllInnerTextsAsync()).Select(n => n.Trim()).ToList();
        Assert.DoesNotContain("Customers", nav);
        Assert.DoesNotContain("Users", nav);

        await page.GotoAsync("/connections");
        await page.WaitForSelectorAsync("[data-testid=connections]");
        var connections = await page.InnerTextAsync("[data-testid=connections]");
        Assert.Contains("my-dumps", connections, StringComparison.Ordinal);

        // No page of theirs shows the other customer's name or connection.
        foreach (var path in new[] { "/", "/connections", "/runs", "/buckets", "/tokens" })
        {
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("[data-testid=signed-in-user]");
            await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
            var html = await page.ContentAsync();
            Assert.DoesNotContain("their-secret-dumps", html, StringComparison.Ordinal);
            Assert.DoesNotContain(theirs.Name, html, StringComparison.Ordinal);
        }
        await page.GotoAsync("/buckets");
        await page.WaitForSelectorAsync("[data-testid=buckets]");
        Assert.Contains("my-dumps", await page.InnerTextAsync("[data-testid=buckets]"), StringComparison.Ordinal);

        // Typing the address of a staff page does not help.
        foreach (var path in new[] { "/customers", "/admin/users", "/admin/audit" })
        {
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("text=Not for your role");
            Assert.DoesNotContain(theirs.Name, await page.ContentAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_open_circuit_loses_a_removed_role_at_the_next_revalidation()
    {
        var user = await server.App.CreateUserAsync(Roles.Admin);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);
        await page.GotoAsync("/admin/users");
        await page.WaitForSelectorAsync("[data-testid=users]");

        await using (var scope = server.App.Services.CreateSystemScope())
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetRoleAsync(user.Id, Roles.Operator, null, default);

        // The revalidation interval is 2 s in these tests (1 minute by default): the circuit signs the
        // user out without a reload, and the page sends them to sign in again.
        await page.WaitForURLAsync("**/account/login**", new() { Timeout = 20_000 });
    }

    private static Portal.Core.Connections.Connection NewConnection(Guid customerId, string name) => new()
    {
        CustomerId = customerId,
        Name = name,
        Bucket = "bucket-" + Guid.NewGuid().ToString("N")[..8],
        Region = "eu-west-1",
        ExternalId = Portal.Core.Connections.ExternalIds.Create(),
    };
}
