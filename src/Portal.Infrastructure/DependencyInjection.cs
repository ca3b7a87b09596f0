namespace Portal.Infrastructure;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Customers;
using Portal.Infrastructure.KeyTemplates;
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

        DefaultConnectionString(builder);
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
        services.AddOptions<AwsOptions>().Bind(builder.Configuration.GetSection(AwsOptions.Section));
        services.AddSingleton<ConnectionCredentials>();
        services.AddScoped<ConnectionTester>();
        services.AddScoped<CustomerService>();
        services.AddScoped<KeyPreviewService>();
        services.AddScoped<ConnectionService>();
        services.AddScoped<Runs.RunQueries>();
        services.AddScoped<Audit.AuditQueries>();
        services.AddScoped<ConnectionWriter>();
        services.AddScoped<StreamMarks>();
        services.AddScoped<Sources.SourceService>();
        services.AddSingleton<Setup.SetupGuide>();
        services.AddOptions<Sources.SourceOptions>().Bind(builder.Configuration.GetSection(Sources.SourceOptions.Section));
        services.AddOptions<Delivery.DeliveryOptions>().Bind(builder.Configuration.GetSection(Delivery.DeliveryOptions.Section));
        services.AddSingleton<Sources.SourceReaderFactory>();
        services.AddSingleton<Delivery.DeliveryRunner>();
        services.AddSingleton<Delivery.ManifestWriter>();
        services.AddOptions<Artifacts.ArtifactOptions>().Bind(builder.Configuration.GetSection(Artifacts.ArtifactOptions.Section));
        services.AddSingleton<Artifacts.ArtifactFolders>();
        services.AddSingleton<Artifacts.ArtifactSyncer>();
        services.AddOptions<Buckets.BucketOptions>().Bind(builder.Configuration.GetSection(Buckets.BucketOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Buckets.BucketClients>();
        services.AddSingleton<Buckets.BucketBrowser>();
        services.AddScoped<Buckets.ObjectDownloads>();
        services.AddSingleton<Buckets.ObjectPreviewer>();
        services.AddScoped<Buckets.ReceiptReader>();
        services.AddScoped<Buckets.ReceiptVerifier>();
        services.AddScoped<Buckets.ManifestVerifier>();
        services.AddSingleton<Buckets.ArtifactBrowser>();
        services.AddOptions<Notifications.NotificationOptions>().Bind(builder.Configuration.GetSection(Notifications.NotificationOptions.Section));
        services.AddOptions<Notifications.SmtpOptions>().Bind(builder.Configuration.GetSection(Notifications.SmtpOptions.Section));
        services.AddSingleton<Notifications.ChannelSender>();
        services.AddScoped<Notifications.NotificationSettings>();
        services.AddScoped<Notifications.NotificationDispatcher>();
        return builder;
    }

    // Everything is read when first resolved, not at registration: hosts and test factories may
    // add configuration after this method runs.
    private static void AddDatabase(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Scoped factories: contexts are created from the caller's scope, so the tenant filter sees
        // the caller's actor (a Blazor circuit, an HTTP request or a job).
        services.AddDbContextFactory<SqlitePortalDbContext>((sp, o) => o.UseSqlite(SqliteConnectionString(sp)), ServiceLifetime.Scoped);
        services.AddDbContextFactory<PostgresPortalDbContext>((sp, o) => o.UseNpgsql(PostgresConnectionString(sp)), ServiceLifetime.Scoped);
        services.AddScoped<IDbContextFactory<PortalDbContext>>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? new PortalDbContextFactory<PostgresPortalDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresPortalDbContext>>())
                : new PortalDbContextFactory<SqlitePortalDbContext>(sp.GetRequiredService<IDbContextFactory<SqlitePortalDbContext>>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
    }

    private static string PostgresConnectionString(IServiceProvider sp) =>
        sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("Portal:Database:Provider is Postgres but ConnectionStrings:Portal is empty.");

    private static string SqliteConnectionString(IServiceProvider sp) =>
        sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("ConnectionStrings:Portal is empty.");

    /// <summary>
    /// SQLite in the data folder unless a connection string is configured. Put into configuration
    /// (not computed later) so EF and Quartz's job store read the same value; sources added after
    /// this (tests, command line) still override it.
    /// </summary>
    private static void DefaultConnectionString(IHostApplicationBuilder builder)
    {
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Portal"))) return;
        var dataDirectory = PortalOptions.ResolveDataDirectory(builder.Configuration, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "portal.db");
        builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:Portal", $"Data Source={path}")]);
    }
}
