namespace Portal.Infrastructure.Buckets;

using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Buckets;
using Portal.Core.Connections;

/// <summary>
/// Reads a connection's bucket with the connection's own credentials, never above its path prefix:
/// one listing page at a time (1,000 keys, '/' as delimiter, so memory stays flat however many objects
/// a prefix holds), object details, and presigned download links. Callers pass a connection they loaded
/// through the tenant filter; a key or prefix outside it is a <see cref="KeyNotFoundException"/>.
/// </summary>
public sealed class BucketBrowser(BucketClients clients, IOptions<BucketOptions> options, TimeProvider clock, ILogger<BucketBrowser> logger)
{
    public const int PageSize = 1000;

    public async Task<ListingPage> ListAsync(Connection connection, string? prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        var listed = BucketPaths.Prefix(connection.Prefix, prefix) ?? throw Outside(prefix);
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var page = await BucketClients.CallAsync(connection, $"listing {listed}*", () => s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = connection.Bucket,
            Prefix = listed,
            Delimiter = "/",
            MaxKeys = PageSize,
            ContinuationToken = string.IsNullOrEmpty(continuationToken) ? null : continuationToken,
        }, cancellationToken));
        var objects = (page.S3Objects ?? [])
            .Where(o => o.Key != listed || !listed.EndsWith('/')) // a folder's own marker object is the folder, not an entry in it
            .Select(o => new ObjectEntry(o.Key, o.Size ?? 0, o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : null, o.StorageClass?.Value, o.ETag))
            .ToList();
        return new ListingPage(listed, page.CommonPrefixes ?? [], objects, page.IsTruncated == true ? page.NextContinuationToken : null);
    }

    public async Task<ObjectDetails> DetailsAsync(Connection connection, string key, CancellationToken cancellationToken)
    {
        var checkedKey = BucketPaths.Key(connection.Prefix, key) ?? throw Outside(key);
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        return await DetailsAsync(s3, connection, checkedKey, cancellationToken);
    }

    /// <summary>The details with a client the caller already has (the key is checked again: callers may pass it unchecked).</summary>
    private static async Task<ObjectDetails> DetailsAsync(IAmazonS3 s3, Connection connection, string key, CancellationToken cancellationToken)
    {
        var checkedKey = BucketPaths.Key(connection.Prefix, key) ?? throw Outside(key);
        var head = await BucketClients.CallAsync(connection, $"reading the details of {checkedKey}", () => s3.GetObjectMetadataAsync(connection.Bucket, checkedKey, cancellationToken));
        var metadata = head.Metadata.Keys.Order(StringComparer.Ordinal).ToDictionary(k => k, k => head.Metadata[k], StringComparer.Ordinal);
        return new ObjectDetails(checkedKey, head.ContentLength, head.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : null,
            head.Headers.ContentType, head.Headers.ContentEncoding, head.ETag, head.StorageClass?.Value ?? "STANDARD",
            head.ServerSideEncryptionMethod?.Value, head.ServerSideEncryptionKeyManagementServiceKeyId, metadata);
    }

    /// <summary>Whether an object exists (false when it does not or is outside the prefix).</summary>
    public async Task<bool> ExistsAsync(Connection connection, string key, CancellationToken cancellationToken)
    {
        try
        {
            await DetailsAsync(connection, key, cancellationToken);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// A GET URL signed with the connection's credentials that works for <see cref="BucketOptions.PresignExpiry"/>
    /// (15 minutes) and makes browsers save the file under its name. The object must exist.
    /// </summary>
    public async Task<PresignedLink> PresignAsync(Connection connection, string key, CancellationToken cancellationToken, TimeSpan? expiry = null)
    {
        var lifetime = expiry ?? options.Value.PresignExpiry;
        using var s3 = await clients.CreateAsync(connection, cancellationToken, credentialsValidFor: lifetime);
        var details = await DetailsAsync(s3, connection, key, cancellationToken);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = connection.Bucket,
            Key = details.Key,
            Verb = HttpVerb.GET,
            Expires = clock.GetUtcNow().Add(lifetime).UtcDateTime,
            // The SDK signs https unless told otherwise; an S3-compatible store may answer on http only.
            Protocol = connection.Endpoint?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        // The SDK turns Expires into X-Amz-Expires seconds from its skew-corrected clock for the endpoint (which
        // follows the server's Date header, so it may be a second off ours): measured from that clock, the link
        // gets exactly the lifetime (900 seconds for 15 minutes).
        var endpoint = s3.Config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(request));
        request.Expires = CorrectClockSkew.GetCorrectedUtcNowForEndpoint(endpoint.URL).Add(lifetime);
        request.ResponseHeaderOverrides.ContentDisposition = $"attachment; filename=\"{AsciiName(BucketPaths.Name(details.Key))}\"";
        var url = await s3.GetPreSignedURLAsync(request);
        var expires = ExpiryOf(url) ?? clock.GetUtcNow().Add(lifetime);
        logger.LogInformation("Download link for {Key} of connection {Connection}, valid until {Expires}", details.Key, connection.Id, expires);
        return new PresignedLink(url, expires);
    }

    /// <summary>When a SigV4 presigned URL stops working, as the URL itself says (X-Amz-Date + X-Amz-Expires).</summary>
    internal static DateTimeOffset? ExpiryOf(string url)
    {
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query);
        return DateTimeOffset.TryParseExact(query["X-Amz-Date"], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                   System.Globalization.DateTimeStyles.AssumeUniversal, out var signed)
               && int.TryParse(query["X-Amz-Expires"], System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? signed.AddSeconds(seconds)
            : null;
    }

    internal static KeyNotFoundException Outside(string? what) => new($"'{what}' is not under this connection's prefix.");

    // Quotes and non-ASCII characters break a quoted filename; the key itself stays intact.
    private static string AsciiName(string name) =>
        new(name.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_').ToArray());
}
