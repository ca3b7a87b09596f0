namespace Portal.Infrastructure;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Secrets;

public static class DependencyInjection
{
    /// <summary>Persistence, secrets and S3 for any host (web or worker).</summary>
    public static IHostApplicationBuilder AddPortalInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddScoped<IPrincipalAccessor, NoPrincipalAccessor>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<ICurrentActor>(sp => sp.GetRequiredService<CurrentActor>());
        services.TryAddSingleton(TimeProvider.System);
        AddDatabase(builder);

        services.AddDataProtection()
            .SetApplicationName("Portal")
            .PersistKeysToDbContext<PortalDbContext>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<S3ClientFactory>();
        return builder;
    }

    private static void AddDatabase(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var database = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString("Portal");
        // Scoped factories: contexts are created from the caller's scope, so the tenant filter sees
        // the caller's actor (a Blazor circuit, an HTTP request or a job).
        if (database.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Portal:Database:Provider is Postgres but ConnectionStrings:Portal is empty.");
            services.AddDbContextFactory<PostgresPortalDbContext>(o => o.UseNpgsql(connectionString), ServiceLifetime.Scoped);
            services.AddScoped<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<PostgresPortalDbContext>>();
        }
        else
        {
            connectionString ??= DefaultSqlite(builder);
            services.AddDbContextFactory<SqlitePortalDbContext>(o => o.UseSqlite(connectionString), ServiceLifetime.Scoped);
            services.AddScoped<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<SqlitePortalDbContext>>();
        }
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
    }

    private static string DefaultSqlite(IHostApplicationBuilder builder)
    {
        var dataDirectory = PortalOptions.ResolveDataDirectory(builder.Configuration, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        return $"Data Source={Path.Combine(dataDirectory, "portal.db")}";
    }
}
