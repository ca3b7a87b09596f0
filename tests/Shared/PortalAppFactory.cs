namespace Portal.Tests.Shared;

using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Customers;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.ApiTokens;
using Portal.Infrastructure.Customers;
using Portal.Infrastructure.Users;

/// <summary>
/// The real portal (Program.cs) on a throw-away SQLite file, or on PostgreSQL when given a
/// connection string, with a bootstrap admin and token. Workers are off unless a test turns them on.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Passw0rd!-test";

    public string AdminToken { get; } = "ptl_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "portal-test-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Extra configuration, set before the first request.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DataDirectory);
        var settings = new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = DataDirectory,
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(DataDirectory, "portal.db")}",
            ["Portal:RunWorkers"] = "false",
            ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
            ["Portal:Bootstrap:AdminApiToken"] = AdminToken,
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        builder.UseEnvironment("Testing");
        // Outside Development the static web assets (MudBlazor, blazor.web.js) come from a publish folder; tests run from the build.
        builder.UseStaticWebAssets();
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
    }

    /// <summary>A client for /api/v1 with a bearer token (none for anonymous calls).</summary>
    public HttpClient CreateApiClient(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a customer directly through the app's services.</summary>
    public async Task<Customer> CreateCustomerAsync(string name)
    {
        await using var scope = Services.CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<CustomerService>().CreateAsync(name, default);
    }

    /// <summary>Creates a user with a role (and customer) and returns its email, password and an API token.</summary>
    public async Task<TestUser> CreateUserAsync(string role, Guid? customerId = null)
    {
        await using var scope = Services.CreateSystemScope();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..20] + "@test.local";
        var (user, password) = await scope.ServiceProvider.GetRequiredService<UserAdminService>()
            .CreateAsync(new NewUser(email, null, role, customerId), default);
        var (_, token) = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(user.Id, "test", null, default);
        return new TestUser(user.Id, email, password, token);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed record TestUser(string Id, string Email, string Password, string Token);
