namespace Portal.IntegrationTests.Connections;

using System.Collections.Concurrent;
using System.Net;
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
            var form = await StsAnswers.ReadFormAsync(context);
            Requests.Enqueue(form);
            if (RequiredExternalId is not null && form.GetValueOrDefault("ExternalId") != RequiredExternalId)
            {
                await StsAnswers.DeniedAsync(context, "ExternalId required.");
                continue;
            }
            await Task.Delay(50); // long enough for concurrent callers to overlap
            await StsAnswers.CredentialsAsync(context, $"ASIATEST{Requests.Count:D4}", "secret", "token", DateTime.UtcNow.Add(Lifetime));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
