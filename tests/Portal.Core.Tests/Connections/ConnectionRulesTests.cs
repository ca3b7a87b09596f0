namespace Portal.Core.Tests.Connections;

using Portal.Core.Connections;

public sealed class ConnectionRulesTests
{
    [Theory]
    [InlineData("acme-data")]
    [InlineData("my.bucket.name")]
    [InlineData("abc")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_bucket_names_pass(string bucket) => Assert.Null(ConnectionRules.BucketProblem(bucket));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("Acme-Data")]
    [InlineData("acme_data")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("acme..data")]
    [InlineData("192.168.5.4")]
    [InlineData("xn--acme")]
    [InlineData("sthree-acme")]
    [InlineData("acme-s3alias")]
    [InlineData("acme--ol-s3")]
    [InlineData("arn:aws:s3:::acme")]
    public void Invalid_bucket_names_are_explained(string? bucket) => Assert.NotNull(ConnectionRules.BucketProblem(bucket));

    [Theory]
    [InlineData("eu-west-1", false, true)]
    [InlineData("us-gov-west-1", false, true)]
    [InlineData("eu-west-9", false, false)]
    [InlineData("default", false, false)]
    [InlineData("default", true, true)]
    [InlineData("", true, false)]
    public void Regions_are_aws_codes_unless_the_endpoint_is_custom(string region, bool custom, bool ok) =>
        Assert.Equal(ok, ConnectionRules.RegionProblem(region, custom) is null);

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/portal-writer", false, true)]
    [InlineData("arn:aws:iam::123456789012:role/path/to/portal-writer", false, true)]
    [InlineData("arn:aws-cn:iam::123456789012:role/w", false, true)]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/w", false, true)]
    [InlineData("arn:aws:iam:::role/ExportWriter", false, false)]
    [InlineData("arn:aws:iam:::role/ExportWriter", true, true)]
    [InlineData("arn:aws:iam::12345:role/w", false, false)]
    [InlineData("arn:aws:iam::123456789012:user/w", false, false)]
    [InlineData("arn:azure:iam::123456789012:role/w", false, false)]
    [InlineData("portal-writer", false, false)]
    public void Role_arns_need_a_partition_an_account_and_a_role(string arn, bool custom, bool ok) =>
        Assert.Equal(ok, ConnectionRules.RoleArnProblem(arn, custom) is null);

    [Theory]
    [InlineData("https://s3.example.com", true)]
    [InlineData("http://127.0.0.1:7480", true)]
    [InlineData("http://localhost:7480", true)]
    [InlineData("http://[::1]:7480", true)]
    [InlineData("http://s3.example.com", false)]
    [InlineData("ftp://s3.example.com", false)]
    [InlineData("s3.example.com", false)]
    [InlineData("https://user:pw@s3.example.com", false)]
    public void Endpoints_need_https_except_on_loopback(string url, bool ok) =>
        Assert.Equal(ok, ConnectionRules.EndpointProblem(url) is null);

    [Theory]
    [InlineData("portal/", true)]
    [InlineData("a/b/c", true)]
    [InlineData("/portal", false)]
    [InlineData("a//b", false)]
    [InlineData("a#b", false)]
    public void Prefixes_have_no_leading_slash_or_empty_folders(string prefix, bool ok) =>
        Assert.Equal(ok, ConnectionRules.PrefixProblem(prefix) is null);

    [Theory]
    [InlineData("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("arn:aws:kms:eu-west-1:123456789012:alias/portal", true)]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", false)]
    public void Kms_keys_are_arns(string arn, bool ok) => Assert.Equal(ok, ConnectionRules.KmsKeyProblem(arn) is null);

    [Theory]
    [InlineData("daily_general", true)]
    [InlineData("bi.sales-hourly", true)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("with space", false)]
    [InlineData("", false)]
    public void Safe_names_are_usable_as_folder_names(string name, bool ok) =>
        Assert.Equal(ok, ConnectionRules.SafeNameProblem(name, "stream") is null);
}
