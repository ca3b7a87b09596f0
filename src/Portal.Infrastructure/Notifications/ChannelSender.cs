namespace Portal.Infrastructure.Notifications;

using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Notifications;
using Portal.Core.Secrets;
using Portal.Infrastructure.Secrets;

/// <summary>What a receiver answered: delivered or not, and its reply (an HTTP status with the start of the body, an SMTP reply, or why it could not be reached).</summary>
public sealed record SendResult(bool Delivered, string Response);

/// <summary>
/// Sends one notification body to one channel, once: a signed webhook, a Slack-compatible chat line, or an email.
/// Never follows redirects and connects only to addresses <see cref="WebhookUrls"/> allows, checked on the address it connects to.
/// </summary>
public sealed class ChannelSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly NotificationOptions _options;
    private readonly SmtpOptions _smtp;
    private readonly ISecretProtector _secrets;
    private readonly TimeProvider _clock;
    private readonly ILogger<ChannelSender> _logger;

    public ChannelSender(IOptions<NotificationOptions> options, IOptions<SmtpOptions> smtp, ISecretProtector secrets, TimeProvider clock, ILogger<ChannelSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(smtp);
        (_options, _smtp, _secrets, _clock, _logger) = (options.Value, smtp.Value, secrets, clock, logger);
        var allowPrivate = _options.AllowPrivate;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // A proxy would be the address connected to, and the check below would judge it instead of the receiver.
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = (context, ct) => WebhookUrls.ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
        };
        _http = new HttpClient(handler) { Timeout = _options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Portal-Notifications/1.0");
    }

    public async Task<SendResult> SendAsync(NotificationChannel channel, string payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        // One deadline for the whole attempt: a receiver that answers its headers and then drips its body is cut off too.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_options.Timeout);
        try
        {
            return channel.Kind switch
            {
                ChannelKind.Email => await EmailAsync(channel, payload, attempt.Token),
                ChannelKind.Slack => await PostAsync(channel, NotificationMessages.SlackBody(payload), signed: false, attempt.Token),
                _ => await PostAsync(channel, payload, signed: true, attempt.Token),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _logger.LogInformation("Notification to channel {Channel} timed out", channel.Id);
            return new SendResult(false, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException or SmtpCommandException
            or SmtpProtocolException or AuthenticationException or ServiceNotConnectedException or ServiceNotAuthenticatedException or InvalidOperationException or FormatException
            or System.Security.Cryptography.CryptographicException)
        {
            if (e is TaskCanceledException && ct.IsCancellationRequested) throw;
            _logger.LogInformation(e, "Notification to channel {Channel} was not delivered", channel.Id);
            return new SendResult(false, Describe(e));
        }
    }

    private async Task<SendResult> PostAsync(NotificationChannel channel, string body, bool signed, CancellationToken ct)
    {
        if (await WebhookUrls.ProblemAsync(channel.Url, _options.AllowPrivate, ct) is { } problem) return new SendResult(false, problem);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signed && channel.SecretCipher is { } cipher)
        {
            var secret = _secrets.Unprotect(SecretKind.WebhookSecret, cipher);
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secret, _clock.GetUtcNow().ToUnixTimeSeconds(), body));
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var answer = await ReadStartAsync(response, ct);
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        return new SendResult(response.IsSuccessStatusCode, answer.Length == 0 ? status : $"{status}: {answer}");
    }

    // The start of a receiver's answer, for the log; a receiver that streams forever is not read further.
    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[300];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        return Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
    }

    private async Task<SendResult> EmailAsync(NotificationChannel channel, string payload, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(_smtp.Host)) return new SendResult(false, "Email is not set up: set Portal:Smtp:Host (and Port, From).");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_smtp.From));
        message.To.Add(MailboxAddress.Parse(channel.Email ?? throw new FormatException("The channel has no email address.")));
        message.Subject = NotificationMessages.EmailSubject(payload);
        message.Body = new BodyBuilder { TextBody = NotificationMessages.EmailText(payload), HtmlBody = NotificationMessages.EmailHtml(payload) }.ToMessageBody();
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_smtp.Host, _smtp.Port, Security(_smtp.Security), ct);
        if (!string.IsNullOrEmpty(_smtp.UserName)) await client.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", ct);
        var reply = await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return new SendResult(true, "SMTP 250 " + reply);
    }

    private static SecureSocketOptions Security(string value) => value.ToUpperInvariant() switch
    {
        "NONE" => SecureSocketOptions.None,
        "STARTTLS" => SecureSocketOptions.StartTls,
        "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private static string Describe(Exception e) => e switch
    {
        SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} {smtp.Message}",
        TaskCanceledException => "No answer within the timeout.",
        System.Security.Cryptography.CryptographicException => "The channel's secret cannot be read (the key ring changed); create the channel again.",
        _ => $"Not reached: {e.Message}",
    };

    public void Dispose() => _http.Dispose();
}
