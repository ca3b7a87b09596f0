namespace Portal.Infrastructure.Actors;

using System.Security.Claims;
using Portal.Core.Access;

/// <summary>
/// The actor of a DI scope. A scope sees nothing unless it has a signed-in principal or was
/// explicitly marked as system work (<see cref="ActAsSystem"/>): forgetting to say who acts
/// fails closed, never open.
/// </summary>
public sealed class CurrentActor(IPrincipalAccessor principals) : ICurrentActor
{
    private bool _system;

    /// <summary>Marks this scope as background work that sees every customer.</summary>
    public void ActAsSystem() => _system = true;

    private ClaimsPrincipal? User => _system ? null : principals.Principal is { Identity.IsAuthenticated: true } p ? p : null;

    public string? UserId => User?.FindFirstValue(ClaimTypes.NameIdentifier);

    public string Name => _system ? "system" : User?.Identity?.Name ?? "anonymous";

    public TenantAccess Access => _system ? TenantAccess.Everything : AccessOf(User);

    /// <summary>What a principal may see, from its role claims and customer claim.</summary>
    public static TenantAccess AccessOf(ClaimsPrincipal? user)
    {
        if (user is null) return TenantAccess.None;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value);
        var customer = Guid.TryParse(user.FindFirstValue(PortalClaims.CustomerId), out var id) ? id : (Guid?)null;
        return TenantAccess.For(roles, customer);
    }
}
