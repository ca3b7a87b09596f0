namespace Portal.IntegrationTests.Buckets;

using Portal.Infrastructure.Buckets;
using Portal.Tests.Shared;

/// <summary>Listing and object details against Ceph, through the connection's own credentials.</summary>
[Collection(CephCollection.Name)]
public sealed class BucketBrowserTests(CephServer ceph)
{
    [Fact]
    public async Task A_listing_shows_the_folders_and_objects_under_the_prefix_and_nothing_beside_it()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/notes.csv", "a,b\n1,2\n");
        await h.PutAsync("acme/2025-04-15T11:23/artist/artist_0.ndjson.gz", BucketHarness.Gzip("{}\n"));
        await h.PutAsync("acme/2025-04-16T11:23/artist/artist_0.ndjson.gz", BucketHarness.Gzip("{}\n"));
        await h.PutAsync("acme-evil/secret.csv", "no");
        await h.PutAsync("other/secret.csv", "no");

        var page = await h.Get<BucketBrowser>().ListAsync(h.Connection, null, null, default);

        Assert.Equal("acme/", page.Prefix);
        Assert.Equal(["acme/2025-04-15T11:23/", "acme/2025-04-16T11:23/"], page.Folders);
        var notes = Assert.Single(page.Objects);
        Assert.Equal(("acme/notes.csv", 8L, "STANDARD"), (notes.Key, notes.Size, notes.StorageClass));
        Assert.True(notes.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Null(page.NextContinuationToken);

        var inner = await h.Get<BucketBrowser>().ListAsync(h.Connection, "acme/2025-04-15T11:23/artist/", null, default);
        Assert.Equal(["acme/2025-04-15T11:23/artist/artist_0.ndjson.gz"], inner.Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task More_than_1000_keys_come_in_pages_of_1000_joined_by_continuation_tokens()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        var keys = Enumerable.Range(0, 2_345).Select(i => $"acme/many/{i:D5}.json").ToList();
        await h.PutManyAsync(keys);
        var browser = h.Get<BucketBrowser>();

        var seen = new List<string>();
        var sizes = new List<int>();
        string? token = null;
        do
        {
            var page = await browser.ListAsync(h.Connection, "acme/many/", token, default);
            sizes.Add(page.Objects.Count);
            seen.AddRange(page.Objects.Select(o => o.Key));
            token = page.NextContinuationToken;
        }
        while (token is not null);

        Assert.Equal([1000, 1000, 345], sizes);
        Assert.Equal(keys, seen);
    }

    [Theory]
    [InlineData("other/")]
    [InlineData("acme")]
    [InlineData("acme-evil/")]
    [InlineData("/acme/")]
    [InlineData("acme/../other/")]
    [InlineData("acme/%2e%2e/other/")]
    [InlineData("acme\\..\\other\\")]
    public async Task Prefixes_outside_the_connection_are_not_listed(string prefix)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("other/secret.csv", "no");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Get<BucketBrowser>().ListAsync(h.Connection, prefix, null, default));
    }

    [Theory]
    [InlineData("other/secret.csv")]
    [InlineData("acme/../other/secret.csv")]
    [InlineData("/other/secret.csv")]
    [InlineData("acme/%2e%2e/other/secret.csv")]
    [InlineData("acme/")]
    public async Task Keys_outside_the_connection_are_neither_described_previewed_nor_signed(string key)
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("other/secret.csv", "no");
        await h.PutAsync("acme/", "");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Get<BucketBrowser>().DetailsAsync(h.Connection, key, default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Get<ObjectPreviewer>().PreviewAsync(h.Connection, key, default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Get<BucketBrowser>().PresignAsync(h.Connection, key, default));
    }

    [Fact]
    public async Task Another_connections_prefix_in_the_same_bucket_is_out_of_reach()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("globex/secret.csv", "theirs");
        var browser = h.Get<BucketBrowser>();

        Assert.Single((await browser.ListAsync(h.NewConnection(h.Bucket, "globex/"), null, null, default)).Objects);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => browser.ListAsync(h.Connection, "globex/", null, default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => browser.DetailsAsync(h.Connection, "globex/secret.csv", default));
    }

    [Fact]
    public async Task Details_show_content_type_etag_storage_class_and_metadata()
    {
        using var h = await BucketHarness.CreateAsync(ceph);
        await h.PutAsync("acme/a.json", "{\"a\":1}"u8.ToArray(), "application/json", new Dictionary<string, string> { ["x-amz-meta-origin"] = "portal" });

        var details = await h.Get<BucketBrowser>().DetailsAsync(h.Connection, "acme/a.json", default);

        Assert.Equal(("application/json", 7L, "STANDARD"), (details.ContentType, details.Size, details.StorageClass));
        Assert.Matches("^\"[0-9a-f]{32}\"$", details.ETag);
        Assert.Equal("portal", details.Metadata["x-amz-meta-origin"]);
    }

    [Fact]
    public async Task A_missing_key_is_not_found()
    {
        using var h = await BucketHarness.CreateAsync(ceph);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => h.Get<BucketBrowser>().DetailsAsync(h.Connection, "acme/nothing.csv", default));
    }
}
