namespace Portal.Web.Api;

using System.Security.Claims;
using Portal.Core.Access;

internal static class MeApi
{
    /// <summary><c>GET /api/v1/me</c>: who the token belongs to, for clients checking their setup.</summary>
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeDto(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name,
            user.FindAll(ClaimTypes.Role).Select(r => r.Value).ToList(),
            Guid.TryParse(user.FindFirstValue(PortalClaims.CustomerId), out var id) ? id : null))).WithTags("Account");
        return api;
    }
}
