namespace Portal.Web.Tests.Components;

using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Portal.Core.Secrets;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Artifacts;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.KeyTemplates;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Sources;

/// <summary>What the connection editor and the connection page use, over a test database and a data folder of the test's own.</summary>
internal static class EditorServices
{
    public static IServiceCollection AddEditorServices(this IServiceCollection services, TestDatabase db, string dataDirectory)
    {
        services.AddRunServices(db);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Portal:DataDirectory", dataDirectory)]).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new Environment(dataDirectory));
        services.AddOptions();
        services.AddSingleton<ISecretProtector, PlainSecrets>();
        services.AddSingleton<ICurrentActor>(new CurrentActor(new StaffPrincipal()));
        services.AddSingleton<KeyPreviewService>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<SourceReaderFactory>();
        services.AddSingleton<SourceService>();
        services.AddSingleton<ArtifactFolders>();
        services.AddSingleton<ConnectionWriter>();
        services.AddSingleton<StreamMarks>();
        return services;
    }

    /// <summary>Secrets as they are: these tests are about the editor, not encryption.</summary>
    private sealed class PlainSecrets : ISecretProtector
    {
        public string Protect(SecretKind kind, string plaintext) => plaintext;

        public string Unprotect(SecretKind kind, string cipher) => cipher;
    }

    private sealed class StaffPrincipal : IPrincipalAccessor
    {
        public System.Security.Claims.ClaimsPrincipal? Principal => null;
    }

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Portal.Web.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
