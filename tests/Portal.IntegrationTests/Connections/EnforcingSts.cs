namespace Portal.IntegrationTests.Connections;

using System.Net;
using System.Text;
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
            using var reader = new StreamReader(context.Request.InputStream);
            var form = (await reader.ReadToEndAsync()).Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
            string xml;
            if (form.GetValueOrDefault("ExternalId") != RequiredExternalId)
            {
                Refused++;
                context.Response.StatusCode = 403;
                xml = $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>The ExternalId does not match.</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""";
            }
            else
            {
                try
                {
                using var sts = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(CephServer.AccessKey, CephServer.SecretKey),
                    new AmazonSecurityTokenServiceConfig { ServiceURL = _ceph, AuthenticationRegion = CephServer.Region });
                var c = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = form["RoleArn"], RoleSessionName = form["RoleSessionName"], DurationSeconds = 3600 })).Credentials;
                var expires = (c.Expiration ?? DateTime.UtcNow.AddHours(1)).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                xml = $"""
                    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
                      <Credentials><AccessKeyId>{c.AccessKeyId}</AccessKeyId><SecretAccessKey>{c.SecretAccessKey}</SecretAccessKey><SessionToken>{c.SessionToken}</SessionToken><Expiration>{expires}</Expiration></Credentials>
                      <AssumedRoleUser><Arn>arn:aws:sts::000000000000:assumed-role/r/s</Arn><AssumedRoleId>AROATEST:s</AssumedRoleId></AssumedRoleUser>
                    </AssumeRoleResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></AssumeRoleResponse>
                    """;
                }
                catch (AmazonSecurityTokenServiceException e)
                {
                    context.Response.StatusCode = 403;
                    xml = $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{System.Security.SecurityElement.Escape(e.Message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""";
                }
            }
            var bytes = Encoding.UTF8.GetBytes(xml);
            context.Response.ContentType = "text/xml";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
