namespace Portal.IntegrationTests.Connections;

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Portal.Tests.Shared;

/// <summary>
/// A small STS endpoint on loopback that records the AssumeRole requests it gets and answers with
/// credentials expiring after a chosen time: to see exactly what the portal sends, and how often.
/// </summary>
public sealed class RecordingSts : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public RecordingSts(TimeSpan lifetime)
    {
        Lifetime = lifetime;
        var port = FreePort.Next();
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public TimeSpan Lifetime { get; set; }

    /// <summary>When set, AssumeRole without this ExternalId is refused (AccessDenied), as a role whose trust policy requires it.</summary>
    public string? RequiredExternalId { get; set; }

    /// <summary>The requests that were granted.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Granted =>
        Requests.Where(r => RequiredExternalId is null || r.GetValueOrDefault("ExternalId") == RequiredExternalId).ToList();

    /// <summary>The form bodies of the requests, decoded.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
            Requests.Enqueue(form);
            if (RequiredExternalId is not null && form.GetValueOrDefault("ExternalId") != RequiredExternalId)
            {
                var denied = Encoding.UTF8.GetBytes($"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>ExternalId required.</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""");
                context.Response.StatusCode = 403;
                context.Response.ContentType = "text/xml";
                context.Response.ContentLength64 = denied.Length;
                await context.Response.OutputStream.WriteAsync(denied);
                context.Response.Close();
                continue;
            }
            await Task.Delay(50); // long enough for concurrent callers to overlap
            var expires = DateTime.UtcNow.Add(Lifetime).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var xml = $"""
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleResult>
                    <Credentials><AccessKeyId>ASIATEST{Requests.Count:D4}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>{expires}</Expiration></Credentials>
                    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROATEST:s</AssumedRoleId></AssumedRoleUser>
                  </AssumeRoleResult>
                  <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
                </AssumeRoleResponse>
                """;
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
