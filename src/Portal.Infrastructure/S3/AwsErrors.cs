namespace Portal.Infrastructure.S3;

using System.Net;
using Amazon.Runtime;

/// <summary>Turns AWS errors into sentences that say what is wrong and how to fix it.</summary>
public static class AwsErrors
{
    /// <summary>The AWS error code, or one derived from the status when the response had no body (HEAD).</summary>
    public static string CodeOf(Exception e) => e switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } => code,
        AmazonServiceException { StatusCode: HttpStatusCode.NotFound } => "NotFound",
        AmazonServiceException { StatusCode: HttpStatusCode.Forbidden } => "AccessDenied",
        AmazonServiceException { StatusCode: HttpStatusCode.MovedPermanently } => "PermanentRedirect",
        AmazonServiceException s => ((int)s.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ when IsTimeout(e) => "Timeout",
        _ => e.GetType().Name,
    };

    public static bool IsTimeout(Exception e) =>
        e is TimeoutException or TaskCanceledException or HttpRequestException or System.Net.Sockets.SocketException
        || (e is AmazonClientException && e.InnerException is not null && IsTimeout(e.InnerException))
        || (e.InnerException is not null && e is not AmazonServiceException && IsTimeout(e.InnerException));

    public static bool IsAccessDenied(Exception e) => CodeOf(e) is "AccessDenied" or "AllAccessDisabled" or "Forbidden";

    public static bool IsKms(Exception e) =>
        CodeOf(e).StartsWith("KMS", StringComparison.OrdinalIgnoreCase) || (e.Message?.Contains("KMS", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>A sentence for an error met while doing <paramref name="what"/> (e.g. "writing portal/portal-connection-test").</summary>
    public static string Explain(Exception e, string what, string? endpoint = null) => CodeOf(e) switch
    {
        _ when IsKms(e) => $"KMS refused while {what}: the role needs kms:GenerateDataKey and kms:Decrypt on the connection's KMS key ({Short(e)}).",
        "AccessDenied" or "AllAccessDisabled" or "Forbidden" => $"Access denied while {what}: the permission policy does not allow it. Paste the policy from the setup page ({Short(e)}).",
        "NoSuchBucket" or "NotFound" => $"The bucket does not exist (or is not visible to these credentials) while {what}. Check the bucket name.",
        "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => $"The bucket is in another region than the connection says ({Short(e)}). Set the connection's region to the bucket's.",
        "InvalidAccessKeyId" or "InvalidClientTokenId" => "The access key id is not known to AWS. Check it, or create a new access key.",
        "SignatureDoesNotMatch" => "The secret access key does not match the access key id. Paste the secret again.",
        "ExpiredToken" or "ExpiredTokenException" or "RequestExpired" => "The temporary credentials expired, or the server's clock is off. Run the test again.",
        "Timeout" => $"No answer while {what}{(endpoint is null ? "" : $" from {endpoint}")}: check the endpoint, the region and the network.",
        _ => $"{what} failed: {Short(e)}",
    };

    private static string Short(Exception e) => e is AmazonServiceException s
        ? $"{CodeOf(e)}{(string.IsNullOrEmpty(s.Message) ? "" : ": " + s.Message)}"
        : e.Message;
}
