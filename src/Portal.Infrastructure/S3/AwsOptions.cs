namespace Portal.Infrastructure.S3;

/// <summary>The portal's own AWS identity (<c>Portal:Aws</c>).</summary>
public sealed class AwsOptions
{
    public const string Section = "Portal:Aws";

    /// <summary>The ARN customers trust in their role's trust policy (the portal's role or user).</summary>
    public string? PrincipalArn { get; set; }

    /// <summary>Base credentials for calling STS; when empty the SDK's default chain (instance role, environment) is used.</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Roles in the portal's own AWS account are refused unless this is on (they could reach the portal's own buckets).</summary>
    public bool AllowOwnAccountRoles { get; set; }

    /// <summary>The portal's own AWS account, read from <see cref="PrincipalArn"/>; null when none is configured.</summary>
    public string? OwnAccount => PrincipalArn?.Split(':') is { Length: > 4 } parts && parts[4].Length == 12 ? parts[4] : null;

    /// <summary>How long one S3 or STS request may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Shown in setup instructions when no principal is configured.</summary>
    public string PrincipalOrPlaceholder => string.IsNullOrWhiteSpace(PrincipalArn) ? "<the portal's AWS principal ARN (Portal:Aws:PrincipalArn)>" : PrincipalArn;
}
