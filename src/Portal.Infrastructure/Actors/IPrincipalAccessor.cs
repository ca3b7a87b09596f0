namespace Portal.Infrastructure.Actors;

using System.Security.Claims;

/// <summary>Finds the signed-in user of the current scope, if any (an HTTP request, a Blazor circuit).</summary>
public interface IPrincipalAccessor
{
    ClaimsPrincipal? Principal { get; }
}

/// <summary>Hosts with no users (the worker) have no principal.</summary>
internal sealed class NoPrincipalAccessor : IPrincipalAccessor
{
    public ClaimsPrincipal? Principal => null;
}
