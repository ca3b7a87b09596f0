namespace Portal.Infrastructure.S3;

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Setup;

/// <summary>
/// The confused-deputy guard. AWS ignores an ExternalId that a role's trust policy does not ask for, so sending
/// it proves nothing: the portal proves instead that the role can <em>not</em> be assumed without it, nor with a
/// wrong one. Until that is proved for the role, ExternalId and endpoints a connection has now, nothing runs on
/// it: no delivery, listing, preview or download link. The proof is taken at the connection test and before the
/// first use after any change (and after a restart); a refusal says which trust-policy condition to add.
/// </summary>
public sealed class ExternalIdGuard(ConnectionCredentials credentials, IOptions<AwsOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _proved = new(StringComparer.Ordinal);

    /// <summary>What the proof is for: a change of any of these needs a new one.</summary>
    public static string Fingerprint(Connection c) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', c.RoleArn, c.ExternalId, c.StsEndpoint, c.Endpoint, c.Region))))[..32];

    /// <summary>Null when the role refuses AssumeRole without the ExternalId and with a wrong one; else why it cannot be used.</summary>
    public async Task<string?> ProblemAsync(Connection c, CancellationToken ct)
    {
        if (c.AuthMethod != AuthMethod.AssumeRole) return null;
        try
        {
            await credentials.AssumeRoleAsync(c, withExternalId: false, ct);
            return NotEnforced(c, "without any ExternalId");
        }
        catch (Exception e) when (AwsErrors.IsAccessDenied(e))
        {
            // As it should: now a wrong one.
        }
        try
        {
            await credentials.AssumeRoleAsync(c, withExternalId: false, ct, externalId: "portal-wrong-" + Guid.NewGuid().ToString("N"));
            return NotEnforced(c, "with a wrong ExternalId");
        }
        catch (Exception e) when (AwsErrors.IsAccessDenied(e))
        {
            return null;
        }
    }

    /// <summary>
    /// Throws <see cref="ExternalIdNotEnforcedException"/> unless the connection's role is proved to require its ExternalId
    /// (proved once per role, ExternalId and endpoint in this process; a failed or inconclusive proof is tried again next time).
    /// </summary>
    public async Task EnsureAsync(Connection c, CancellationToken ct)
    {
        if (c.AuthMethod != AuthMethod.AssumeRole) return;
        var key = Fingerprint(c);
        var entry = _proved.GetOrAdd(key, _ => new Lazy<Task<string?>>(() => ProblemAsync(c, CancellationToken.None)));
        string? problem;
        try
        {
            problem = await entry.Value.WaitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _proved.TryRemove(new KeyValuePair<string, Lazy<Task<string?>>>(key, entry));
            throw new ExternalIdNotEnforcedException(
                $"The portal could not prove that the role {c.RoleArn} requires the ExternalId, so it does not use it yet: {AwsErrors.Explain(e, "assuming the role without the ExternalId")}", e);
        }
        if (problem is null) return;
        _proved.TryRemove(new KeyValuePair<string, Lazy<Task<string?>>>(key, entry));
        throw new ExternalIdNotEnforcedException(problem);
    }

    private string NotEnforced(Connection c, string how)
    {
        var trust = SetupPolicies.TrustPolicy(options.Value.PrincipalOrPlaceholder, c.ExternalId).ToJsonString();
        return $"The role {c.RoleArn} can be assumed {how}, so anyone its trust policy admits could make the portal read and write this bucket " +
            $"(the confused-deputy problem); nothing runs on it until its trust policy requires the ExternalId with the condition " +
            $"\"StringEquals\": {{\"sts:ExternalId\": \"{c.ExternalId}\"}}, as in: {trust}";
    }
}

/// <summary>A role that does not (or cannot be shown to) require the connection's ExternalId: nothing runs on it.</summary>
public sealed class ExternalIdNotEnforcedException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
