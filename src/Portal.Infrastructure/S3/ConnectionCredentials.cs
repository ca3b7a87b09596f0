namespace Portal.Infrastructure.S3;

using System.Collections.Concurrent;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Infrastructure.Secrets;

/// <summary>
/// Credentials for a connection's bucket: the decrypted access key, or temporary credentials from
/// STS AssumeRole with the connection's ExternalId. Role credentials are cached per connection until
/// five minutes before they expire; concurrent callers share one refresh.
/// </summary>
public sealed class ConnectionCredentials(ISecretProtector secrets, IOptions<AwsOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Lazy<Task<Cached>>> _cache = new(StringComparer.Ordinal);

    private ExternalIdGuard? _guard;

    /// <summary>The confused-deputy guard every role connection passes before its credentials are handed out.</summary>
    public ExternalIdGuard Guard => _guard ??= new ExternalIdGuard(this, options);

    /// <summary>
    /// Credentials to sign S3 requests with (cached for roles). <paramref name="validFor"/> asks for role
    /// credentials that stay valid at least that long (a presigned URL dies with the credentials that signed it).
    /// </summary>
    public async Task<AWSCredentials> GetAsync(Connection connection, CancellationToken cancellationToken, TimeSpan? validFor = null)
    {
        var margin = validFor is { } v && v > RefreshBeforeExpiry ? v : RefreshBeforeExpiry;
        if (connection.AuthMethod == AuthMethod.AccessKey) return AccessKey(connection);
        // No credentials of a role that does not require the ExternalId: no delivery, listing, preview or link runs on it.
        await Guard.EnsureAsync(connection, cancellationToken);
        var key = CacheKey(connection);
        while (true)
        {
            Lazy<Task<Cached>>? created = null;
            var entry = _cache.GetOrAdd(key, _ => created = new Lazy<Task<Cached>>(() => AssumeForCacheAsync(connection)));
            Cached cached;
            try
            {
                cached = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed refresh is not cached: the next caller tries again.
                _cache.TryRemove(new KeyValuePair<string, Lazy<Task<Cached>>>(key, entry));
                throw;
            }
            // Credentials this call just fetched are used even if short-lived; older ones are refreshed
            // five minutes before expiry. Only the first caller to notice replaces the entry.
            if (ReferenceEquals(entry, created) || cached.Expires - margin > clock.GetUtcNow()) return cached.Credentials;
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<Cached>>>(key, entry));
        }
    }

    /// <summary>Calls AssumeRole now (never cached), with or without the ExternalId; the connection test uses both.</summary>
    public async Task<AssumeRoleResponse> AssumeRoleAsync(Connection connection, bool withExternalId, CancellationToken cancellationToken, string? externalId = null)
    {
        using var sts = CreateSts(connection, PortalCredentials());
        return await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = connection.RoleArn,
            RoleSessionName = SessionName(connection),
            ExternalId = withExternalId ? connection.ExternalId : externalId,
            DurationSeconds = 3600,
        }, cancellationToken);
    }

    /// <summary>The session name CloudTrail shows the customer: names the connection.</summary>
    public static string SessionName(Connection connection) => $"portal-{connection.Id}";

    /// <summary>An STS client for the connection's STS endpoint (or its S3-compatible endpoint, or AWS in its region).</summary>
    public IAmazonSecurityTokenService CreateSts(Connection connection, AWSCredentials credentials)
    {
        var config = new AmazonSecurityTokenServiceConfig { Timeout = options.Value.RequestTimeout, MaxErrorRetry = 2 };
        var url = connection.StsEndpoint ?? connection.Endpoint;
        if (url is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(connection.Region);
        }
        else
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = connection.Region;
        }
        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    /// <summary>The portal's own credentials: configured keys, else the SDK's default chain.</summary>
    public AWSCredentials PortalCredentials() =>
        !string.IsNullOrEmpty(options.Value.AccessKeyId) && !string.IsNullOrEmpty(options.Value.SecretAccessKey)
            ? new BasicAWSCredentials(options.Value.AccessKeyId, options.Value.SecretAccessKey)
            : DefaultAWSCredentialsIdentityResolver.GetCredentials();

    public AWSCredentials AccessKey(Connection connection) =>
        new BasicAWSCredentials(connection.AccessKeyId, secrets.Unprotect(SecretKind.AccessKeySecret,
            connection.SecretAccessKeyCipher ?? throw new InvalidOperationException("The connection has no secret access key.")));

    private async Task<Cached> AssumeForCacheAsync(Connection connection)
    {
        var response = await AssumeRoleAsync(connection, withExternalId: true, CancellationToken.None);
        var c = response.Credentials;
        var expires = c.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : clock.GetUtcNow().AddMinutes(15);
        return new Cached(new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expires);
    }

    private static string CacheKey(Connection c) => string.Join('|', c.Id, c.RoleArn, c.ExternalId, c.StsEndpoint, c.Endpoint, c.Region);

    private sealed record Cached(AWSCredentials Credentials, DateTimeOffset Expires);
}
