namespace Portal.Web.Auth;

using System.Security.Claims;
using Portal.Infrastructure.Actors;

/// <summary>The user of a circuit once it is open, else of the HTTP request (pre-rendering, API calls).</summary>
internal sealed class WebPrincipalAccessor(IHttpContextAccessor http, CircuitPrincipal circuit) : IPrincipalAccessor
{
    public ClaimsPrincipal? Principal => circuit.User ?? http.HttpContext?.User;
}
