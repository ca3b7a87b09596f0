namespace Portal.Infrastructure.Buckets;

using System.Net;
using Amazon.S3;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Infrastructure.S3;

/// <summary>Clients for browsing a connection's bucket, and S3 errors turned into 404s or plain sentences.</summary>
public sealed class BucketClients(S3ClientFactory clients, ConnectionCredentials credentials, IOptions<BucketOptions> options)
{
    public Task<IAmazonS3> CreateAsync(Connection connection, CancellationToken cancellationToken, TimeSpan? credentialsValidFor = null) =>
        clients.CreateForAsync(connection, credentials, cancellationToken, options.Value.RequestTimeout, maxErrorRetry: 2, credentialsValidFor);

    /// <summary>Runs an S3 call: a missing key or bucket becomes <see cref="KeyNotFoundException"/>, other failures a <see cref="BucketException"/> saying what to fix.</summary>
    public static async Task<T> CallAsync<T>(Connection connection, string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket")
        {
            throw new KeyNotFoundException($"Nothing at {what}.", e);
        }
        catch (Exception e) when (e is AmazonS3Exception || (e is not OperationCanceledException && AwsErrors.IsTimeout(e)))
        {
            throw new BucketException(AwsErrors.Explain(e, what, connection.Endpoint), e);
        }
    }
}
