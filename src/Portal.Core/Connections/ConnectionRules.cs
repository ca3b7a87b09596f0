namespace Portal.Core.Connections;

using System.Net;
using System.Text.RegularExpressions;

/// <summary>The rules for a connection's settings, each answering with a sentence for the person who typed it.</summary>
public static partial class ConnectionRules
{
    /// <summary>Why a bucket name breaks S3's naming rules, or null when it is fine.</summary>
    public static string? BucketProblem(string? bucket)
    {
        if (string.IsNullOrEmpty(bucket)) return "Enter the bucket name (not its ARN).";
        if (bucket.StartsWith("arn:", StringComparison.Ordinal)) return "Enter the bucket's name, not its ARN.";
        if (bucket.Length is < 3 or > 63) return "A bucket name has 3 to 63 characters.";
        if (!BucketCharacters().IsMatch(bucket)) return "A bucket name has only lowercase letters, digits, '.' and '-'.";
        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1])) return "A bucket name starts and ends with a letter or digit.";
        if (bucket.Contains("..", StringComparison.Ordinal)) return "A bucket name cannot contain '..'.";
        if (IPAddress.TryParse(bucket, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && bucket.Count(c => c == '.') == 3)
            return "A bucket name cannot look like an IP address.";
        foreach (var prefix in (string[])["xn--", "sthree-", "amzn-s3-demo-"])
            if (bucket.StartsWith(prefix, StringComparison.Ordinal)) return $"A bucket name cannot start with '{prefix}'.";
        foreach (var suffix in (string[])["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"])
            if (bucket.EndsWith(suffix, StringComparison.Ordinal)) return $"A bucket name cannot end with '{suffix}'.";
        return null;
    }

    /// <summary>Why a region is not usable; any value is accepted for a custom endpoint.</summary>
    public static string? RegionProblem(string? region, bool customEndpoint)
    {
        if (string.IsNullOrWhiteSpace(region)) return "Enter the bucket's region, e.g. eu-west-1.";
        if (customEndpoint) return region.Length <= 64 ? null : "A region has at most 64 characters.";
        return AwsRegions.All.Contains(region) ? null : $"'{region}' is not an AWS region code (e.g. us-east-1, eu-west-1).";
    }

    /// <summary>Why a path prefix is not usable, or null. The prefix is normalised separately.</summary>
    public static string? PrefixProblem(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return null;
        if (prefix.StartsWith('/')) return "A path prefix does not start with '/'.";
        if (prefix.Contains("//", StringComparison.Ordinal)) return "A path prefix cannot contain '//'.";
        if (prefix.Length > 512) return "A path prefix has at most 512 characters.";
        if (Validation.Names.InvisibleProblem(prefix, "A path prefix") is { } invisible) return invisible;
        var bad = prefix.FirstOrDefault(c => "\\^%`[]\"<>~#|{}".Contains(c) || char.IsControl(c));
        return bad == default ? null : $"A path prefix cannot contain '{(char.IsControl(bad) ? $"U+{(int)bad:X4}" : bad.ToString())}'.";
    }

    /// <summary>Why a role ARN is not usable. Account-less ARNs (S3-compatible stores) only with a custom endpoint.</summary>
    public static string? RoleArnProblem(string? arn, bool customEndpoint)
    {
        if (string.IsNullOrWhiteSpace(arn)) return "Enter the ARN of the role the portal assumes.";
        var match = RoleArn().Match(arn);
        if (!match.Success) return "A role ARN looks like arn:aws:iam::123456789012:role/portal-writer.";
        if (match.Groups["account"].Value.Length == 0 && !customEndpoint)
            return "The role ARN has no account id: add the 12-digit account (only S3-compatible stores use ARNs without one).";
        return null;
    }

    public static string? KmsKeyProblem(string? arn) =>
        string.IsNullOrEmpty(arn) || KmsArn().IsMatch(arn) ? null : "A KMS key ARN looks like arn:aws:kms:eu-west-1:123456789012:key/<key id>.";

    /// <summary>Why a custom endpoint URL is not usable: it must be absolute, and https unless on this machine.</summary>
    public static string? EndpointProblem(string? url)
    {
        if (string.IsNullOrEmpty(url)) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.UserInfo))
            return "Enter an absolute http(s) URL, e.g. https://s3.example.com.";
        if (uri.Scheme == "http" && !uri.IsLoopback) return "Use https: plain http is allowed only for loopback (127.0.0.1, localhost).";
        return null;
    }

    public static string? AccessKeyIdProblem(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "Enter the access key id."
        : AccessKeyId().IsMatch(id) ? null : "An access key id has 16 to 128 letters and digits (AWS ids start with AKIA).";

    public static string? SecretProblem(string? secret) =>
        string.IsNullOrEmpty(secret) ? "Enter the secret access key."
        : secret.Length is < 8 or > 256 || secret.Any(char.IsWhiteSpace) ? "The secret access key has 8 to 256 characters and no spaces." : null;

    /// <summary>Stream and schedule names become folder names: letters, digits, '_', '-' and '.'.</summary>
    public static string? SafeNameProblem(string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)) return $"Enter a {what} name.";
        if (name.Length > 128) return $"A {what} name has at most 128 characters.";
        return SafeName().IsMatch(name) && name is not ("." or "..") ? null : $"A {what} name has only letters, digits, '_', '-' and '.'.";
    }

    [GeneratedRegex("^[a-z0-9.-]+$")]
    private static partial Regex BucketCharacters();

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):iam::(?<account>\d{12})?:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+$")]
    private static partial Regex KmsArn();

    [GeneratedRegex("^[A-Za-z0-9]{16,128}$")]
    private static partial Regex AccessKeyId();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+$")]
    private static partial Regex SafeName();
}
