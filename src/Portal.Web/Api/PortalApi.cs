namespace Portal.Web.Api;

using Microsoft.AspNetCore.Authorization;
using Portal.Web.Auth;

internal static class PortalApi
{
    /// <summary>
    /// <c>/api/v1</c>: bearer tokens only. Cookies are not accepted here, so no other site can
    /// make a signed-in browser call the API (no CSRF surface).
    /// </summary>
    public static void MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthenticationHandler.SchemeName })
            .DisableAntiforgery();
        api.MapMeApi();
        api.MapCustomersApi();
        api.MapKeyTemplatesApi();
        api.MapSourcesApi();
        api.MapConnectionsApi();
        api.MapRunsApi();
        api.MapBucketsApi();
        api.MapUsersApi();
        api.MapNotificationsApi();
    }
}
