namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Portal.Web.Components.Buckets;

public sealed class BucketBreadcrumbsTests : MudComponentTest
{
    [Fact]
    public void BucketBreadcrumbs_ShouldStartAtTheConnectionsPrefixAndLinkEachFolder()
    {
        var id = Guid.NewGuid();

        var cut = Render<BucketBreadcrumbs>(p => p
            .Add(b => b.ConnectionId, id)
            .Add(b => b.Bucket, "customer-bucket")
            .Add(b => b.ConnectionPrefix, "acme/")
            .Add(b => b.Folder, "acme/2025-04-15T11:23/artist/"));

        var links = cut.FindAll("[data-testid=breadcrumbs] a");
        Assert.Equal(["s3://customer-bucket/acme/", "2025-04-15T11:23", "artist"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal($"/buckets/{id}?prefix=acme%2F", links[0].GetAttribute("href"));
        Assert.Equal($"/buckets/{id}?prefix=acme%2F2025-04-15T11%3A23%2F", links[1].GetAttribute("href"));
    }
}
