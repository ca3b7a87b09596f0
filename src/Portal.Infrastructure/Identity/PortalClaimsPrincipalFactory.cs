namespace Portal.Infrastructure.Identity;

using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Core.Access;

/// <summary>Adds the customer claim that tenant filters read; roles come from Identity.</summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.CustomerId is { } customerId)
            identity.AddClaim(new Claim(PortalClaims.CustomerId, customerId.ToString()));
        if (!string.IsNullOrEmpty(user.DisplayName))
            identity.AddClaim(new Claim("name", user.DisplayName));
        return identity;
    }
}
