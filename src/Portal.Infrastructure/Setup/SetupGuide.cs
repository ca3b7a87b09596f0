namespace Portal.Infrastructure.Setup;

using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Setup;
using Portal.Infrastructure.S3;

/// <summary>The setup assistant of one connection: each step with its JSON document and an AWS CLI line.</summary>
public sealed class SetupGuide(IOptions<AwsOptions> aws)
{
    public SetupDocument For(Connection c)
    {
        var permission = SetupPolicies.PermissionPolicy(c);
        var trust = SetupPolicies.TrustPolicy(aws.Value.PrincipalOrPlaceholder, c.ExternalId);
        var lifecycle = SetupPolicies.LifecycleConfiguration(c);
        var name = "portal-" + Slug(c.Name);
        var steps = new List<SetupStep>
        {
            new("Create or choose the bucket",
                $"Create the bucket {c.Bucket} in {c.Region} (or use an existing one). Keep ACLs disabled.",
                null,
                c.Region == "us-east-1"
                    ? $"aws s3api create-bucket --bucket {c.Bucket} --region {c.Region}"
                    : $"aws s3api create-bucket --bucket {c.Bucket} --region {c.Region} --create-bucket-configuration LocationConstraint={c.Region}"),
            new("Create the permission policy",
                $"Least privilege for a {c.Kind} connection: only {string.Join(", ", SetupPolicies.ActionsFor(c.Kind, c.KmsKeyArn is not null))}, only under {c.Bucket}/{c.Prefix}.",
                permission,
                $"aws iam create-policy --policy-name {name} --policy-document '{permission.ToJsonString()}'"),
        };
        if (c.AuthMethod == AuthMethod.AssumeRole)
        {
            steps.Add(new("Create the role the portal assumes",
                $"Its trust policy lets only the portal ({aws.Value.PrincipalOrPlaceholder}) assume it, and only with this connection's ExternalId {c.ExternalId}, which guards against the confused-deputy problem.",
                trust,
                $"aws iam create-role --role-name {name} --assume-role-policy-document '{trust.ToJsonString()}' && aws iam attach-role-policy --role-name {name} --policy-arn arn:{AwsRegions.PartitionOf(c.Region)}:iam::<your-account-id>:policy/{name}"));
        }
        else
        {
            steps.Add(new("Create a user and its access key",
                "The role method (AssumeRole) is preferred: it has no long-lived secret. With an access key, create a user that has only the policy above.",
                null,
                $"aws iam create-user --user-name {name} && aws iam attach-user-policy --user-name {name} --policy-arn arn:{AwsRegions.PartitionOf(c.Region)}:iam::<your-account-id>:policy/{name} && aws iam create-access-key --user-name {name}"));
        }
        steps.Add(new("Add the lifecycle rule",
            (c.Kind == DeliveryKind.Dump
                ? "Recommended: abort incomplete multipart uploads after 1 day, and expire dump folders after 7 days (the portal does not delete old dumps). "
                : "Recommended: abort incomplete multipart uploads after 1 day. ")
            + "Careful: put-bucket-lifecycle-configuration replaces every lifecycle rule the bucket already has. If the bucket has rules of its own, "
            + "use the second command: it reads the rules, replaces only this connection's (by rule id) and keeps the rest.",
            lifecycle,
            $"aws s3api put-bucket-lifecycle-configuration --bucket {c.Bucket} --lifecycle-configuration '{lifecycle.ToJsonString()}'")
        {
            MergeCli = SetupPolicies.MergeLifecycleCli(c.Bucket, lifecycle),
        });
        steps.Add(new("Test the connection",
            c.AuthMethod == AuthMethod.AssumeRole
                ? "Give the role's ARN to your portal contact (or enter it in the connection), then run the connection test."
                : "Enter the access key in the connection, then run the connection test.",
            null,
            c.AuthMethod == AuthMethod.AssumeRole ? $"aws iam get-role --role-name {name} --query Role.Arn --output text" : null));
        return new SetupDocument(permission, c.AuthMethod == AuthMethod.AssumeRole ? trust : null, lifecycle,
            SetupPolicies.ActionsFor(c.Kind, c.KmsKeyArn is not null), c.ExternalId, steps);
    }

    private static string Slug(string name)
    {
        var chars = name.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug.Length == 0 ? "connection" : slug;
    }
}

/// <summary>The generated documents and the steps of the setup assistant.</summary>
public sealed record SetupDocument(
    JsonObject PermissionPolicy, JsonObject? TrustPolicy, JsonObject LifecycleConfiguration,
    IReadOnlyList<string> Actions, string ExternalId, IReadOnlyList<SetupStep> Steps);

/// <summary>One step: what to do, the JSON to paste (if any) and the same as an AWS CLI line.</summary>
public sealed record SetupStep(string Title, string Text, JsonObject? Json, string? Cli)
{
    /// <summary>A variant of <see cref="Cli"/> that keeps what is already there (the lifecycle rules: get, merge by id, put).</summary>
    public string? MergeCli { get; init; }
}
