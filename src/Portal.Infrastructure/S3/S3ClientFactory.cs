namespace Portal.Infrastructure.S3;

using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Portal.Core.Connections;

/// <summary>Builds S3 clients configured for an endpoint; one place decides retries, checksums and addressing.</summary>
public sealed class S3ClientFactory
{
    /// <summary>A client for <paramref name="endpoint"/> signing with <paramref name="credentials"/>.</summary>
    public IAmazonS3 Create(S3Endpoint endpoint, AWSCredentials credentials, TimeSpan? timeout = null, int maxErrorRetry = 4)
    {
        var checksums = endpoint.ChecksumMode == Portal.Core.Connections.ChecksumPolicy.WhenRequired;
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = maxErrorRetry,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
            RequestChecksumCalculation = checksums ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = checksums ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
        };
        if (string.IsNullOrEmpty(endpoint.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoint.Region);
        }
        else
        {
            // S3-compatible stores rarely have virtual-host DNS; path style always works.
            config.ServiceURL = endpoint.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = endpoint.Region;
        }
        var client = new AmazonS3Client(credentials, config);
        // Every failed request, retried ones included, counts in portal.s3.errors by its code.
        client.ExceptionEvent += CountError;
        return client;
    }

    internal static void CountError(object sender, ExceptionEventArgs e)
    {
        if (e is WebServiceExceptionEventArgs { Exception: { } failure })
            Telemetry.PortalMetrics.S3Error(failure is AmazonServiceException service ? service.ErrorCode ?? $"Http{(int)service.StatusCode}" : failure is TimeoutException or OperationCanceledException ? "Timeout" : "Network");
    }

    /// <summary>
    /// A client for a connection's bucket signing with the connection's own credentials (role credentials
    /// come from the cache, valid for at least <paramref name="credentialsValidFor"/> more). Deliveries,
    /// artifact syncs and the bucket browser all reach a bucket this way.
    /// </summary>
    public async Task<IAmazonS3> CreateForAsync(
        Connection connection, ConnectionCredentials credentials, CancellationToken cancellationToken,
        TimeSpan? timeout = null, int maxErrorRetry = 4, TimeSpan? credentialsValidFor = null) =>
        Create(S3Endpoint.Of(connection), await credentials.GetAsync(connection, cancellationToken, credentialsValidFor), timeout, maxErrorRetry);
}
