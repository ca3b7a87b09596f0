namespace Portal.IntegrationTests.Persistence;

using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Secrets;
using Portal.Infrastructure.Secrets;
using Portal.Tests.Shared;

public sealed class SecretProtectionTests
{
    [Fact]
    public void Secrets_survive_a_restart_because_the_key_ring_is_kept_in_the_portal_database()
    {
        using var first = new PortalAppFactory();
        var cipher = first.Services.GetRequiredService<ISecretProtector>().Protect(SecretKind.AccessKeySecret, "wJalrXUtnFEMI/K7MDENG");
        Assert.DoesNotContain("wJalr", cipher, StringComparison.Ordinal);

        // A second app instance on the same database, as after a restart or on another node.
        using var second = new PortalAppFactory();
        second.Settings["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(first.DataDirectory, "portal.db")}";
        var plain = second.Services.GetRequiredService<ISecretProtector>().Unprotect(SecretKind.AccessKeySecret, cipher);

        Assert.Equal("wJalrXUtnFEMI/K7MDENG", plain);
    }

    [Fact]
    public void A_secret_of_one_kind_cannot_be_read_as_another()
    {
        using var app = new PortalAppFactory();
        var protector = app.Services.GetRequiredService<ISecretProtector>();
        var cipher = protector.Protect(SecretKind.SourceConnectionString, "Host=db;Password=x");

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(SecretKind.AccessKeySecret, cipher));
    }
}
