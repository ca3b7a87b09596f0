namespace Portal.E2ETests;

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Shared;

/// <summary>
/// The portal on a real Kestrel port and Debian's Chromium driven by Playwright, shared by the E2E
/// tests of a run. Playwright's own browser download does not work here, so the system browser is used.
/// </summary>
public sealed class PortalServer : IAsyncLifetime
{
    public PortalAppFactory App { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>A real SMTP server the portal sends its email through.</summary>
    public SmtpServer Smtp { get; } = new();

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Short, so a test can watch an open circuit lose a removed role.
        App.Settings["Portal:Auth:RevalidationInterval"] = "00:00:02";
        // Workers on, as in the embedded default: the runs console is watched while runs really run.
        App.Settings["Portal:RunWorkers"] = "true";
        App.Settings["Portal:Delivery:RetryDelay"] = "00:00:01";
        // Every test signs in from 127.0.0.1: the per-address sign-in limit is for the world, not for one test run.
        App.Settings["Portal:RateLimits:SignInPerAddress"] = "1000";
        await Smtp.InitializeAsync();
        foreach (var (key, value) in Smtp.Settings) App.Settings[key] = value;
        App.Settings["Portal:Notifications:PollInterval"] = "00:00:01";
        App.UseKestrel(0);
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>An API client for the Kestrel server (the factory's own clients point at its in-memory host).</summary>
    public HttpClient ApiClient(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A fresh browser context (own cookies) with a page.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens a page of the app and waits until its circuit is live (typing before that is lost).</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    public static Task WaitForInteractiveAsync(IPage page) => page.WaitForSelectorAsync("[data-interactive=true]");

    /// <summary>Signs in through the real sign-in form and waits for the interactive shell.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        // Stay on a sign-in page the app redirected to, so its return address is kept.
        if (!page.Url.Contains("/account/login", StringComparison.Ordinal)) await page.GotoAsync("/account/login");
        await page.FillAsync("[data-testid=email]", email);
        await page.FillAsync("[data-testid=password]", password);
        await page.ClickAsync("[data-testid=sign-in]");
        try
        {
            await page.WaitForSelectorAsync("[data-testid=signed-in-user]");
            await WaitForInteractiveAsync(page);
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "portal-e2e-signin.png") });
            throw;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalServerCollection : ICollectionFixture<PortalServer>, ICollectionFixture<CephServer>
{
    public const string Name = "portal-server";
}
