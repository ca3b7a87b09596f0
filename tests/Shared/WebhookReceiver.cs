namespace Portal.Tests.Shared;

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>A webhook request as it arrived: the raw body and the headers that matter.</summary>
public sealed record ReceivedWebhook(string Body, string? Signature, string? ContentType, DateTimeOffset At, int AnsweredWith);

/// <summary>
/// A real HTTP receiver (Kestrel) on loopback that records every request and answers with the statuses it is told to
/// (in order; then 200), as a customer's webhook endpoint would.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers = new();

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url) => (_app, Url) = (app, url);

    public static async Task<WebhookReceiver> StartAsync(params int[] answers)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, $"http://127.0.0.1:{port}/hooks/portal");
        foreach (var a in answers) receiver._answers.Enqueue(a);
        app.MapPost("/hooks/portal", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._answers.TryDequeue(out var s) ? s : 200;
            receiver.Received.Enqueue(new ReceivedWebhook(body, context.Request.Headers["Portal-Signature"].FirstOrDefault(), context.Request.ContentType, DateTimeOffset.UtcNow, status));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "ok" : "try later");
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> requests matching <paramref name="match"/> arrived.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<ReceivedWebhook, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < until)
        {
            var found = Received.Where(match).ToList();
            if (found.Count >= count) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Received.Count(match)} of {count} webhooks arrived within {timeout ?? TimeSpan.FromSeconds(60)}; all received: {Received.Count}.");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
