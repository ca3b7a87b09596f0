namespace Portal.Infrastructure.Seeding;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;

/// <summary>What the web host does before it serves: migrate, seed roles and the bootstrap admin, and the demo when asked.</summary>
public static class PortalStartup
{
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration configuration, string contentRoot, CancellationToken cancellationToken = default)
    {
        await services.MigratePortalDatabaseAsync(cancellationToken);
        await using var scope = services.CreateSystemScope();
        var sp = scope.ServiceProvider;
        await sp.GetRequiredService<IdentitySeeder>().SeedAsync(sp.GetRequiredService<IOptions<BootstrapOptions>>().Value, cancellationToken);

        var demo = sp.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (!demo.Enabled) return;
        var dataDirectory = PortalOptions.ResolveDataDirectory(configuration, contentRoot);
        var created = await sp.GetRequiredService<DemoSeeder>().SeedAsync(demo, dataDirectory, cancellationToken);
        if (created.Count == 0)
        {
            Console.WriteLine("Demo data exists already; its passwords were shown at the first start (delete the data folder to start over).");
            return;
        }
        // Printed once to the console (not the log, which may be shipped elsewhere): the only time they are shown.
        Console.WriteLine();
        Console.WriteLine("Demo users (passwords are shown only now):");
        foreach (var (email, role, password) in created)
            Console.WriteLine($"  {role,-16} {email,-24} {password}");
        Console.WriteLine();
    }
}
