namespace Portal.Web.Auth;

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Access;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

/// <summary>
/// <c>Authorization: Bearer ptl_…</c> for <c>/api/v1</c>. Tokens are looked up by hash; the user's
/// current roles are loaded on every request, so a role change or a revoked token takes effect at once.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> contexts, UserManager<PortalUser> users,
    IUserClaimsPrincipalFactory<PortalUser> principals, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 512) return AuthenticateResult.Fail("The bearer token is malformed.");

        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var hash = ApiTokenSecret.Hash(token);
        var row = await db.ApiTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        var now = clock.GetUtcNow();
        if (row is null || !row.IsActive(now)) return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");

        var user = await users.FindByIdAsync(row.UserId);
        // A lockout (too many wrong passwords on the sign-in page, which anyone can cause) locks the sign-in page only:
        // tokens keep working, and revoking one is how to stop it.
        if (user is null) return AuthenticateResult.Fail("The API token's user no longer exists.");

        // Write the last-use time at most once a minute: a busy client must not turn reads into writes.
        if (row.LastUsedAt is null || now - row.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            row.LastUsedAt = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: "Sign-in required",
            detail: "Send an API token as 'Authorization: Bearer <token>'. Create one on the API tokens page.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem(
            title: "Forbidden",
            detail: "Your role does not allow this action.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(Context);
}
