namespace Portal.Core.Setup;

using System.Text.Json.Nodes;
using Portal.Core.Connections;
using Portal.Core.KeyTemplates;

/// <summary>
/// The IAM and lifecycle documents a customer pastes into AWS for one connection: least privilege for
/// its delivery kind, scoped to its bucket and prefix. Built as JSON objects, so they are always valid JSON.
/// </summary>
public static class SetupPolicies
{
    /// <summary>Object actions every kind needs.</summary>
    public static IReadOnlyList<string> ObjectActions { get; } = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"];

    /// <summary>True when the kind removes objects (artifact syncs keep <c>current/</c> equal to the last run).</summary>
    public static bool NeedsDelete(DeliveryKind kind) => kind == DeliveryKind.ArtifactSync;

    /// <summary>Every action the permission policy grants, for display and tests.</summary>
    public static IReadOnlyList<string> ActionsFor(DeliveryKind kind, bool kms) =>
    [
        .. ObjectActions, "s3:ListBucket", "s3:GetBucketLocation",
        .. NeedsDelete(kind) ? ["s3:DeleteObject"] : Array.Empty<string>(),
        .. kms ? ["kms:GenerateDataKey", "kms:Decrypt"] : Array.Empty<string>(),
    ];

    public static JsonObject PermissionPolicy(Connection c)
    {
        var partition = AwsRegions.PartitionOf(c.Region);
        var bucketArn = $"arn:{partition}:s3:::{c.Bucket}";
        var prefix = PathPrefix.Normalise(c.Prefix);
        var statements = new JsonArray
        {
            Statement("PortalWriteObjects", ObjectActions, $"{bucketArn}/{prefix}*"),
            Statement("PortalListPrefix", ["s3:ListBucket"], bucketArn, prefix.Length == 0 ? null : new JsonObject
            {
                ["StringLike"] = new JsonObject { ["s3:prefix"] = new JsonArray(prefix + "*") },
            }),
            Statement("PortalBucketLocation", ["s3:GetBucketLocation"], bucketArn),
        };
        if (NeedsDelete(c.Kind))
            statements.Add(Statement("PortalReplaceCurrentArtifacts", ["s3:DeleteObject"], $"{bucketArn}/{prefix}bolt/run/*/current/*"));
        if (!string.IsNullOrEmpty(c.KmsKeyArn))
            statements.Add(Statement("PortalKmsEncryption", ["kms:GenerateDataKey", "kms:Decrypt"], c.KmsKeyArn));
        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements };
    }

    /// <summary>Lets only the portal's principal assume the role, and only with this connection's ExternalId.</summary>
    public static JsonObject TrustPolicy(string portalPrincipalArn, string externalId) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "PortalAssumeRole",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["AWS"] = portalPrincipalArn },
            ["Action"] = "sts:AssumeRole",
            ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["sts:ExternalId"] = externalId } },
        }),
    };

    /// <summary>Abort incomplete multipart uploads after a day; for dumps also expire old dump folders.</summary>
    public static JsonObject LifecycleConfiguration(Connection c, int expireDays = 7)
    {
        var prefix = PathPrefix.Normalise(c.Prefix);
        var rules = new JsonArray(new JsonObject
        {
            ["ID"] = RuleId(c, "abort-incomplete-uploads"),
            ["Status"] = "Enabled",
            ["Filter"] = new JsonObject { ["Prefix"] = prefix },
            ["AbortIncompleteMultipartUpload"] = new JsonObject { ["DaysAfterInitiation"] = 1 },
        });
        if (c.Kind == DeliveryKind.Dump)
        {
            // receipt.json is rewritten by every dump, so it never ages out while dumps run.
            rules.Add(new JsonObject
            {
                ["ID"] = RuleId(c, $"expire-dumps-after-{expireDays}-days"),
                ["Status"] = "Enabled",
                ["Filter"] = new JsonObject { ["Prefix"] = prefix },
                ["Expiration"] = new JsonObject { ["Days"] = expireDays },
            });
        }
        return new JsonObject { ["Rules"] = rules };
    }

    /// <summary>
    /// A rule id of this connection's own (<c>portal-{connection id}-…</c>): merging by id replaces this connection's rules and
    /// no other's, even when several connections share a bucket.
    /// </summary>
    public static string RuleId(Connection c, string what) => $"portal-{c.Id:N}-{what}";

    /// <summary>
    /// A shell snippet that keeps the bucket's other lifecycle rules: get the rules (none is fine; any other error stops
    /// it), drop those with this configuration's ids, add this configuration's rules, put the result. Needs the AWS CLI and jq.
    /// The error code is read from the CLI's debug log, where the store's answer is whole: some CLI versions fail to
    /// print it for S3-compatible stores.
    /// </summary>
    public static string MergeLifecycleCli(string bucket, JsonObject lifecycle)
    {
        var rules = lifecycle["Rules"]!.ToJsonString().Replace("'", "'\\''", StringComparison.Ordinal);
        return $$"""
            (
              set -euo pipefail
              if ! existing=$(aws s3api get-bucket-lifecycle-configuration --bucket {{bucket}} --query Rules --output json --debug 2>lifecycle-get.log); then
                grep -q NoSuchLifecycleConfiguration lifecycle-get.log || { tail -n 1 lifecycle-get.log >&2; exit 1; }
                existing='[]'
              fi
              echo "$existing" | jq --argjson portal '{{rules}}' \
                '{Rules: ([.[] | select(.ID as $id | ($portal | map(.ID) | index($id)) == null)] + $portal)}' > lifecycle.json
              aws s3api put-bucket-lifecycle-configuration --bucket {{bucket}} --lifecycle-configuration file://lifecycle.json
            )
            """;
    }

    private static JsonObject Statement(string sid, IEnumerable<string> actions, string resource, JsonObject? condition = null)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Action"] = new JsonArray(actions.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            ["Resource"] = resource,
        };
        if (condition is not null) statement["Condition"] = condition;
        return statement;
    }
}
