namespace Portal.IntegrationTests.Persistence;

using System.Security.Claims;
using Portal.Core.Access;
using Portal.Infrastructure.Actors;

/// <summary>Actors for tests that build contexts by hand.</summary>
internal static class Actors
{
    public static CurrentActor System()
    {
        var actor = new CurrentActor(new Fixed(null));
        actor.ActAsSystem();
        return actor;
    }

    public static CurrentActor CustomerUser(Guid customerId) => new(new Fixed(new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim(ClaimTypes.Role, Roles.Customer), new Claim(PortalClaims.CustomerId, customerId.ToString()), new Claim(ClaimTypes.Name, "c")], "test"))));

    public static CurrentActor Anonymous() => new(new Fixed(null));

    private sealed class Fixed(ClaimsPrincipal? principal) : IPrincipalAccessor
    {
        public ClaimsPrincipal? Principal => principal;
    }
}
