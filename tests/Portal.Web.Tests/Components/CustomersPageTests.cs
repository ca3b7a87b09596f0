namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Customers;
using Portal.Infrastructure.Customers;
using Portal.Infrastructure.Persistence;
using Portal.Web.Auth;
using Portal.Web.Components.Pages.Customers;

public sealed class CustomersPageTests : MudComponentTest
{
    private readonly TestDatabase _db = new();

    public CustomersPageTests()
    {
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton<CustomerService>();
        AddAuthorization().SetAuthorized("cs").SetPolicies(Policies.Staff, Policies.Configure);
    }

    protected override void OnDisposed() => _db.Dispose();

    [Fact]
    public void CustomersPage_WithNoCustomers_ShouldShowTheEmptyState()
    {
        var cut = Render<CustomersPage>();

        cut.WaitForAssertion(() => Assert.Contains("No customers yet", cut.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void CustomersPage_ShouldListCustomersByName()
    {
        using (var db = _db.CreateSystemContext())
        {
            db.Customers.AddRange(new Customer { Name = "Zeta" }, new Customer { Name = "Acme" });
            db.SaveChanges();
        }

        var cut = Render<CustomersPage>();

        cut.WaitForAssertion(() =>
            Assert.Equal(["Acme", "Zeta"], cut.FindAll("[data-testid=customers] tbody tr td:first-child").Select(td => td.TextContent).ToList()));
    }

    [Fact]
    public void CustomersPage_AddingACustomer_ShouldValidateThenSaveAndList()
    {
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<CustomersPage>();

        cut.Find("[data-testid=add-customer]").Click();
        dialogs.WaitForElement("[data-testid=save-customer]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("A customer needs a name.", dialogs.Markup, StringComparison.Ordinal));

        dialogs.Find("input[data-testid=customer-name], [data-testid=customer-name] input").Input("Globex");
        dialogs.Find("[data-testid=save-customer]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Globex", cut.Find("[data-testid=customers]").TextContent, StringComparison.Ordinal));
        using var db = _db.CreateSystemContext();
        Assert.Equal(["Globex"], db.Customers.Select(c => c.Name).ToList());
    }
}
