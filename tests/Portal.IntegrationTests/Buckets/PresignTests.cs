namespace Portal.IntegrationTests.Buckets;

using System.Net;
using Portal.Infrastructure.Buckets;
using Portal.Tests.Shared;

/// <summary>Download links: signed for 15 minutes with the connection's credentials, and refused once expired.</summary>
[Collection(CephCollection.Name)]
public sealed class PresignTests(CephServer ceph)
{
    [Fact]
    public async Task A_download_link_returns_the_bytes_for_15_minutes_under_the_files_name()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var body = System.Text.Encoding.UTF8.GetBytes("id,name\n1,Müller\n");
        await h.PutAsync("acme/2025/people.csv", body, "text/csv");

        var link = await h.Get<BucketBrowser>().PresignAsync(h.Connection, "acme/2025/people.csv", default);

        Assert.StartsWith(ceph.Endpoint + "/", link.Url, StringComparison.Ordinal);
        Assert.Equal("900", System.Web.HttpUtility.ParseQueryString(new Uri(link.Url).Query)["X-Amz-Expires"]);
        Assert.InRange(link.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14.9), TimeSpan.FromMinutes(15.1));
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(link.Url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment; filename=\"people.csv\"", response.Content.Headers.ContentDisposition?.ToString());
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/a.csv", "a\n1\n");

        var link = await h.Get<BucketBrowser>().PresignAsync(h.Connection, "acme/a.csv", default, expiry: TimeSpan.FromSeconds(2));
        using var http = new HttpClient();
        using (var fresh = await http.GetAsync(new Uri(link.Url)))
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(4));

        using var expired = await http.GetAsync(new Uri(link.Url));
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public async Task A_link_with_a_tampered_key_is_refused()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/a.csv", "a\n1\n");
        await h.PutAsync("other/secret.csv", "no");

        var link = await h.Get<BucketBrowser>().PresignAsync(h.Connection, "acme/a.csv", default);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(link.Url.Replace("acme/a.csv", "other/secret.csv", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
