namespace Portal.Infrastructure.Seeding;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Access;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

/// <summary>Roles, the bootstrap admin and the bootstrap API token. Idempotent: runs at every start.</summary>
public sealed class IdentitySeeder(
    RoleManager<IdentityRole> roles, UserManager<PortalUser> users, PortalDbContext db, ILogger<IdentitySeeder> logger)
{
    public async Task SeedAsync(BootstrapOptions bootstrap, CancellationToken cancellationToken)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
        }
        if (string.IsNullOrWhiteSpace(bootstrap.AdminEmail)) return;

        var admin = await users.FindByEmailAsync(bootstrap.AdminEmail);
        if (admin is null)
        {
            if (string.IsNullOrEmpty(bootstrap.AdminPassword))
                throw new InvalidOperationException("Portal:Bootstrap:AdminEmail is set but Portal:Bootstrap:AdminPassword is empty.");
            admin = new PortalUser { UserName = bootstrap.AdminEmail, Email = bootstrap.AdminEmail, EmailConfirmed = true, DisplayName = "Administrator" };
            Check(await users.CreateAsync(admin, bootstrap.AdminPassword), "the bootstrap admin");
            Check(await users.AddToRoleAsync(admin, Roles.Admin), "the bootstrap admin's role");
            logger.LogInformation("Created the bootstrap admin {Email}", bootstrap.AdminEmail);
        }
        await EnsureTokenAsync(admin, bootstrap.AdminApiToken, cancellationToken);
    }

    private async Task EnsureTokenAsync(PortalUser admin, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return;
        if (token.Length < 32)
            throw new InvalidOperationException("Portal:Bootstrap:AdminApiToken must have at least 32 characters.");
        var hash = ApiTokenSecret.Hash(token);
        if (await db.ApiTokens.AnyAsync(t => t.TokenHash == hash, cancellationToken)) return;
        db.ApiTokens.Add(new ApiToken { UserId = admin.Id, Name = "bootstrap", TokenHash = hash, DisplayPrefix = token[..4] + "…" });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
