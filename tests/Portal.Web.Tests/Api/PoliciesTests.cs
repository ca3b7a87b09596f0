namespace Portal.Web.Tests.Api;

using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Web.Auth;

public sealed class PoliciesTests
{
    private static readonly IAuthorizationService Authorization = new ServiceCollection()
        .AddLogging().AddAuthorization(Policies.Add).BuildServiceProvider().GetRequiredService<IAuthorizationService>();

    private static ClaimsPrincipal UserWith(params string[] roles) =>
        new(new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r)), "test"));

    [Theory]
    [InlineData(Policies.Staff, new[] { Roles.Admin }, true)]
    [InlineData(Policies.Staff, new[] { Roles.Operator }, true)]
    [InlineData(Policies.Staff, new[] { Roles.CustomerSuccess }, true)]
    [InlineData(Policies.Staff, new[] { Roles.Customer }, false)]
    [InlineData(Policies.Staff, new[] { Roles.Customer, Roles.Admin }, false)]
    [InlineData(Policies.Configure, new[] { Roles.CustomerSuccess }, true)]
    [InlineData(Policies.Configure, new[] { Roles.Operator }, false)]
    [InlineData(Policies.Operate, new[] { Roles.Operator }, true)]
    [InlineData(Policies.Operate, new[] { Roles.CustomerSuccess }, false)]
    [InlineData(Policies.Admin, new[] { Roles.Admin }, true)]
    [InlineData(Policies.Admin, new[] { Roles.Operator }, false)]
    public async Task Each_policy_admits_exactly_its_roles(string policy, string[] roles, bool allowed)
    {
        var result = await Authorization.AuthorizeAsync(UserWith(roles), policy);

        Assert.Equal(allowed, result.Succeeded);
    }
}
