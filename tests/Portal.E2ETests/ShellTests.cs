namespace Portal.E2ETests;

using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Tests.Shared;

[Collection(PortalServerCollection.Name)]
public sealed class ShellTests(PortalServer server)
{
    [Fact]
    public async Task An_admin_signs_in_and_sees_the_shell()
    {
        var page = await server.NewPageAsync();

        await page.GotoAsync("/customers");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        // Back on the page asked for, inside the shell, with every area in the navigation.
        Assert.EndsWith("/customers", page.Url, StringComparison.Ordinal);
        var nav = await page.Locator("[data-testid=nav] a.mud-nav-link").AllInnerTextsAsync();
        foreach (var area in new[] { "Customers", "Connections", "Runs", "Buckets", "Users", "Audit log" })
            Assert.Contains(nav, n => n.Trim() == area);
        Assert.Equal(PortalAppFactory.AdminEmail, (await page.InnerTextAsync("[data-testid=signed-in-user]")).Trim());
        await page.WaitForSelectorAsync("text=Customers");
    }

    [Fact]
    public async Task A_wrong_password_gets_a_clear_message()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("[data-testid=email]", PortalAppFactory.AdminEmail);
        await page.FillAsync("[data-testid=password]", "not-the-password");
        await page.ClickAsync("[data-testid=sign-in]");

        Assert.Equal("The email or password is not right, or there were too many attempts: try again in a few minutes.", (await page.InnerTextAsync("[data-testid=sign-in-error]")).Trim());
    }

    [Fact]
    public async Task Dark_mode_is_toggled_and_remembered()
    {
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        var lightBackground = await BackgroundAsync(page);

        await page.ClickAsync("[data-testid=dark-mode]");
        await page.WaitForFunctionAsync("() => localStorage.getItem('portal-dark') === '1'");
        var darkBackground = await BackgroundAsync(page);
        await page.ReloadAsync();
        await PortalServer.WaitForInteractiveAsync(page);
        await page.WaitForFunctionAsync($"() => getComputedStyle(document.body).backgroundColor === '{darkBackground}'");

        Assert.NotEqual(lightBackground, darkBackground);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync("**/account/login**");
        await page.GotoAsync("/admin/users");

        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
