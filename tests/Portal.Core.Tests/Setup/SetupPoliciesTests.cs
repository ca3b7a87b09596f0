namespace Portal.Core.Tests.Setup;

using System.Text.Json;
using Portal.Core.Connections;
using Portal.Core.Setup;

public sealed class SetupPoliciesTests
{
    private static Connection Connection(DeliveryKind kind = DeliveryKind.Dump, string prefix = "portal/", string region = "eu-west-1", string? kms = null) => new()
    {
        Name = "c", Kind = kind, Bucket = "acme-data", Region = region, Prefix = prefix, ExternalId = "ext-123", KmsKeyArn = kms,
    };

    // Round-trips through text: what the customer pastes must parse as JSON.
    private static JsonElement Parse(System.Text.Json.Nodes.JsonObject policy) => JsonDocument.Parse(policy.ToJsonString()).RootElement;

    private static List<string> Actions(JsonElement policy) =>
        policy.GetProperty("Statement").EnumerateArray().SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)).Order().ToList();

    [Theory]
    [InlineData(DeliveryKind.Dump)]
    [InlineData(DeliveryKind.StreamExport)]
    public void Writers_get_exactly_the_listed_actions_and_no_delete(DeliveryKind kind)
    {
        var policy = Parse(SetupPolicies.PermissionPolicy(Connection(kind)));

        Assert.Equal(["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"], Actions(policy));
        Assert.Equal(SetupPolicies.ActionsFor(kind, false).Order(), Actions(policy));
    }

    [Fact]
    public void Object_actions_are_scoped_to_the_prefix_and_listing_is_conditioned_on_it()
    {
        var statements = Parse(SetupPolicies.PermissionPolicy(Connection())).GetProperty("Statement").EnumerateArray().ToList();

        var write = statements.Single(s => s.GetProperty("Sid").GetString() == "PortalWriteObjects");
        Assert.Equal("arn:aws:s3:::acme-data/portal/*", write.GetProperty("Resource").GetString());
        var list = statements.Single(s => s.GetProperty("Sid").GetString() == "PortalListPrefix");
        Assert.Equal("arn:aws:s3:::acme-data", list.GetProperty("Resource").GetString());
        Assert.Equal("portal/*", list.GetProperty("Condition").GetProperty("StringLike").GetProperty("s3:prefix")[0].GetString());
    }

    [Fact]
    public void Without_a_prefix_the_whole_bucket_is_in_scope_and_listing_needs_no_condition()
    {
        var statements = Parse(SetupPolicies.PermissionPolicy(Connection(prefix: ""))).GetProperty("Statement").EnumerateArray().ToList();

        Assert.Equal("arn:aws:s3:::acme-data/*", statements[0].GetProperty("Resource").GetString());
        Assert.False(statements[1].TryGetProperty("Condition", out _));
    }

    [Fact]
    public void Artifact_syncs_may_delete_only_under_current()
    {
        var policy = Parse(SetupPolicies.PermissionPolicy(Connection(DeliveryKind.ArtifactSync)));

        Assert.Contains("s3:DeleteObject", Actions(policy));
        var delete = policy.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Action").EnumerateArray().Any(a => a.GetString() == "s3:DeleteObject"));
        Assert.Equal("arn:aws:s3:::acme-data/portal/bolt/run/*/current/*", delete.GetProperty("Resource").GetString());
    }

    [Fact]
    public void A_kms_key_adds_generate_data_key_and_decrypt_on_that_key()
    {
        const string key = "arn:aws:kms:eu-west-1:123456789012:key/k";
        var policy = Parse(SetupPolicies.PermissionPolicy(Connection(kms: key)));

        var kms = policy.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == "PortalKmsEncryption");
        Assert.Equal(["kms:GenerateDataKey", "kms:Decrypt"], kms.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(key, kms.GetProperty("Resource").GetString());
    }

    [Fact]
    public void China_regions_use_their_partition()
    {
        Assert.StartsWith("arn:aws-cn:s3:::", Parse(SetupPolicies.PermissionPolicy(Connection(region: "cn-north-1"))).GetProperty("Statement")[0].GetProperty("Resource").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_trust_policy_admits_only_the_portal_with_the_external_id()
    {
        var trust = Parse(SetupPolicies.TrustPolicy("arn:aws:iam::111122223333:role/portal", "ext-123")).GetProperty("Statement")[0];

        Assert.Equal("arn:aws:iam::111122223333:role/portal", trust.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal("sts:AssumeRole", trust.GetProperty("Action").GetString());
        Assert.Equal("ext-123", trust.GetProperty("Condition").GetProperty("StringEquals").GetProperty("sts:ExternalId").GetString());
    }

    [Fact]
    public void The_lifecycle_rule_aborts_uploads_after_a_day_and_expires_dumps()
    {
        var rules = Parse(SetupPolicies.LifecycleConfiguration(Connection(), 7)).GetProperty("Rules").EnumerateArray().ToList();

        Assert.Equal(1, rules[0].GetProperty("AbortIncompleteMultipartUpload").GetProperty("DaysAfterInitiation").GetInt32());
        Assert.Equal(7, rules[1].GetProperty("Expiration").GetProperty("Days").GetInt32());
        Assert.Equal("portal/", rules[1].GetProperty("Filter").GetProperty("Prefix").GetString());
        Assert.Single(Parse(SetupPolicies.LifecycleConfiguration(Connection(DeliveryKind.StreamExport))).GetProperty("Rules").EnumerateArray());
    }
}
