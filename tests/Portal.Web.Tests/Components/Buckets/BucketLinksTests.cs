namespace Portal.Web.Tests.Components.Buckets;

using Microsoft.AspNetCore.Components;
using Portal.Web.Components.Buckets;
using Portal.Web.Components.Pages.Buckets;

/// <summary>The addresses other pages (runs) link to: they must stay exactly these.</summary>
public sealed class BucketLinksTests
{
    private static readonly Guid Id = Guid.Parse("0194c7a2-0000-7000-8000-000000000001");

    [Fact]
    public void Links_put_the_folder_url_encoded_in_the_prefix_parameter()
    {
        Assert.Equal($"/buckets/{Id}?prefix=acme%2F2025-04-15T11%3A23%2Fartist%2F", BucketLinks.Browse(Id, "acme/2025-04-15T11:23/artist/"));
        Assert.Equal($"/buckets/{Id}/receipt?prefix=acme%2F", BucketLinks.Receipt(Id, "acme/"));
        Assert.Equal($"/buckets/{Id}", BucketLinks.Browse(Id));
        Assert.Equal($"/buckets/{Id}?prefix=a%2F&key=a%2Fb%20c.csv", BucketLinks.Browse(Id, "a/", "a/b c.csv"));
        Assert.Equal("/runs/42", BucketLinks.Run(42));
    }

    [Theory]
    [InlineData(typeof(BucketBrowserPage), "/buckets/{ConnectionId:guid}")]
    [InlineData(typeof(ReceiptPage), "/buckets/{ConnectionId:guid}/receipt")]
    [InlineData(typeof(ArtifactsPage), "/buckets/{ConnectionId:guid}/artifacts")]
    [InlineData(typeof(BucketsPage), "/buckets")]
    public void The_pages_answer_at_those_addresses(Type page, string template) =>
        Assert.Contains(page.GetCustomAttributes(typeof(RouteAttribute), false).Cast<RouteAttribute>(), r => r.Template == template);
}
