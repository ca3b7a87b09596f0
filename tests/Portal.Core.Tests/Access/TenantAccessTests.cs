namespace Portal.Core.Tests.Access;

using Portal.Core.Access;

public sealed class TenantAccessTests
{
    private static readonly Guid Acme = Guid.NewGuid();
    private static readonly Guid Globex = Guid.NewGuid();

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.CustomerSuccess)]
    [InlineData(Roles.Operator)]
    public void Staff_roles_see_every_customer(string role)
    {
        var access = TenantAccess.For([role], null);

        Assert.True(access.AllCustomers);
        Assert.True(access.CanSee(Acme));
        Assert.True(access.CanSee(Globex));
    }

    [Fact]
    public void A_customer_user_sees_only_their_own_customer()
    {
        var access = TenantAccess.For([Roles.Customer], Acme);

        Assert.False(access.AllCustomers);
        Assert.True(access.CanSee(Acme));
        Assert.False(access.CanSee(Globex));
    }

    [Fact]
    public void The_customer_role_confines_even_when_a_staff_role_was_added_by_mistake()
    {
        var access = TenantAccess.For([Roles.Admin, Roles.Customer], Acme);

        Assert.False(access.AllCustomers);
        Assert.False(access.CanSee(Globex));
    }

    [Fact]
    public void A_customer_user_without_a_customer_sees_nothing()
    {
        var access = TenantAccess.For([Roles.Customer], null);

        Assert.Equal(TenantAccess.None, access);
        Assert.False(access.CanSee(Acme));
    }

    [Theory]
    [InlineData]
    [InlineData("admin")] // roles are case-sensitive as stored
    [InlineData("Viewer")]
    public void Unknown_or_no_roles_see_nothing(params string[] roles)
    {
        Assert.Equal(TenantAccess.None, TenantAccess.For(roles, Acme));
    }

    [Fact]
    public void An_empty_customer_id_is_not_a_customer()
    {
        Assert.Equal(TenantAccess.None, TenantAccess.For([Roles.Customer], Guid.Empty));
    }
}
