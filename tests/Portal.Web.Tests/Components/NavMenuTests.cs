namespace Portal.Web.Tests.Components;

using Bunit;
using Portal.Web.Auth;
using Portal.Web.Components.Layout;

public sealed class NavMenuTests : MudComponentTest
{
    private List<string> Links(IRenderedComponent<NavMenu> cut) =>
        cut.FindAll("a.mud-nav-link").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public void NavMenu_ForAnAdmin_ShouldShowCustomersAndTheAdminGroup()
    {
        AddAuthorization().SetAuthorized("admin").SetPolicies(Policies.Staff, Policies.Admin);

        var cut = Render<NavMenu>();

        Assert.Contains("Customers", Links(cut));
        Assert.Equal(["Home", "Customers", "Connections", "Runs", "Buckets", "Notifications", "Users", "API tokens", "Audit log", "API docs"], Links(cut));
    }

    [Fact]
    public void NavMenu_ForACustomerUser_ShouldShowOnlyTheirAreas()
    {
        AddAuthorization().SetAuthorized("customer");

        var cut = Render<NavMenu>();

        Assert.Equal(["Home", "Connections", "Runs", "Buckets", "Notifications", "API tokens"], Links(cut));
    }
}
