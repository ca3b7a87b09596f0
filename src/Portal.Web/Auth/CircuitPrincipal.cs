namespace Portal.Web.Auth;

using System.Security.Claims;

/// <summary>The user of a Blazor circuit, kept current by <see cref="UserCircuitHandler"/>.</summary>
public sealed class CircuitPrincipal
{
    public ClaimsPrincipal? User { get; set; }
}
