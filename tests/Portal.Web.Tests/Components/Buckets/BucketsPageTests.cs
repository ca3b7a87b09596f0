namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Infrastructure.Persistence;
using Portal.Web.Components.Pages.Buckets;

public sealed class BucketsPageTests : MudComponentTest
{
    private readonly TestDatabase _db = new();

    public BucketsPageTests() => Services.AddRunServices(_db);

    protected override void OnDisposed() => _db.Dispose();

    [Fact]
    public void BucketsPage_ShouldLinkEachConnectionToItsBrowser()
    {
        var customer = new Customer { Name = "Acme" };
        var connection = new Connection { CustomerId = customer.Id, Name = "dumps", Bucket = "acme-data", Region = "eu-west-1", Prefix = "portal/", ExternalId = "x" };
        using (var db = _db.CreateSystemContext())
        {
            db.Customers.Add(customer);
            db.Connections.Add(connection);
            db.SaveChanges();
        }

        var cut = Render<BucketsPage>();

        cut.WaitForAssertion(() => Assert.Equal($"/buckets/{connection.Id}", cut.Find("[data-testid=bucket]").GetAttribute("href")));
        Assert.Contains("s3://acme-data/portal/", cut.Find("[data-testid=buckets]").TextContent, StringComparison.Ordinal);
    }
}
