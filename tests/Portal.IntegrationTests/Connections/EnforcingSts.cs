namespace Portal.IntegrationTests.Connections;

using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Portal.Tests.Shared;

/// <summary>
/// An STS stand-in on loopback that does what Ceph cannot: it refuses AssumeRole unless the request carries the
/// ExternalId it requires, and otherwise assumes the role on Ceph's real STS and hands back those credentials,
/// so the portal's role path (guard, credentials, S3) runs end to end against a role that enforces its ExternalId.
/// </summary>
public sealed class EnforcingSts : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _ceph;

    public EnforcingSts(string cephEndpoint, string requiredExternalId)
    {
        (_ceph, RequiredExternalId) = (cephEndpoint, requiredExternalId);
        Url = $"http://127.0.0.1:{FreePort.Next()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public string RequiredExternalId { get; set; }

    public int Refused { get; private set; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var form = await StsAnswers.ReadFormAsync(context);
            if (form.GetValueOrDefault("ExternalId") != RequiredExternalId)
            {
                Refused++;
                await StsAnswers.DeniedAsync(context, "The ExternalId does not match.");
                continue;
            }
            try
            {
                using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(CephServer.AccessKey, CephServer.SecretKey),
                    new AmazonSecurityTokenServiceConfig { ServiceURL = _ceph, AuthenticationRegion = CephServer.Region });
                var c = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = form["RoleArn"], RoleSessionName = form["RoleSessionName"], DurationSeconds = 3600 })).Credentials;
                await StsAnswers.CredentialsAsync(context, c.AccessKeyId, c.SecretAccessKey, c.SessionToken, c.Expiration ?? DateTime.UtcNow.AddHours(1));
            }
            catch (AmazonSecurityTokenServiceException e)
            {
                await StsAnswers.DeniedAsync(context, e.Message);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
