namespace Portal.Core.Tests.Buckets;

using Portal.Core.Buckets;

public sealed class BucketPathsTests
{
    [Theory]
    [InlineData(null, "acme/")]
    [InlineData("", "acme/")]
    [InlineData("acme/", "acme/")]
    [InlineData("acme/2025-04-15T11:23/", "acme/2025-04-15T11:23/")]
    [InlineData("acme/2025", "acme/2025")]
    [InlineData("acme/a b/ü.csv", "acme/a b/ü.csv")]
    public void Prefixes_under_the_connections_prefix_are_listed_as_given(string? requested, string expected) =>
        Assert.Equal(expected, BucketPaths.Prefix("acme", requested));

    [Theory]
    [InlineData("other/")]
    [InlineData("acme")]
    [InlineData("acmex/")]
    [InlineData("/acme/")]
    [InlineData("acme/../other/")]
    [InlineData("acme/..")]
    [InlineData("acme/./x")]
    [InlineData("acme\\..\\other")]
    [InlineData("acme/%2e%2e/other/")]
    [InlineData("acme/%2E%2E/")]
    [InlineData("%2facme/")]
    [InlineData("acme/%5c..")]
    [InlineData("acme/x\0")]
    [InlineData("acme/x\n")]
    public void Prefixes_that_leave_or_could_leave_the_connections_prefix_are_refused(string requested) =>
        Assert.Null(BucketPaths.Prefix("acme/", requested));

    [Fact]
    public void At_the_bucket_root_any_plain_prefix_is_allowed_but_path_steps_are_not()
    {
        Assert.Equal("", BucketPaths.Prefix("", null));
        Assert.Equal("x/y", BucketPaths.Prefix("", "x/y"));
        Assert.Null(BucketPaths.Prefix("", "../x"));
        Assert.Null(BucketPaths.Prefix("", "/x"));
    }

    [Theory]
    [InlineData("acme/2025-04-15T11:23/artist", "acme/2025-04-15T11:23/artist/")]
    [InlineData("acme/2025/", "acme/2025/")]
    [InlineData("acme", "acme/")]
    [InlineData(null, "acme/")]
    public void Folders_get_their_trailing_slash(string? requested, string expected) =>
        Assert.Equal(expected, BucketPaths.Folder("acme/", requested));

    [Theory]
    [InlineData("acme/a.csv", true)]
    [InlineData("acme/", false)]
    [InlineData("acme", false)]
    [InlineData("", false)]
    [InlineData("other/a.csv", false)]
    [InlineData("acme/../other/a.csv", false)]
    [InlineData("/acme/a.csv", false)]
    public void Keys_must_lie_under_the_prefix(string key, bool allowed) =>
        Assert.Equal(allowed ? key : null, BucketPaths.Key("acme/", key));

    [Fact]
    public void Breadcrumbs_start_at_the_connections_prefix()
    {
        var crumbs = BucketPaths.Crumbs("acme/", "acme/2025-04-15T11:23/artist/");

        Assert.Equal([("acme/", "acme/"), ("2025-04-15T11:23", "acme/2025-04-15T11:23/"), ("artist", "acme/2025-04-15T11:23/artist/")], crumbs);
        Assert.Equal([("/", "")], BucketPaths.Crumbs("", ""));
    }

    [Theory]
    [InlineData("a/b/c.csv", "c.csv", "a/b/")]
    [InlineData("a/b/", "b/", "a/")]
    [InlineData("c.csv", "c.csv", "")]
    [InlineData("a/", "a/", "")]
    public void Names_and_parents(string key, string name, string parent)
    {
        Assert.Equal(name, BucketPaths.Name(key));
        Assert.Equal(parent, BucketPaths.Parent(key));
    }
}
