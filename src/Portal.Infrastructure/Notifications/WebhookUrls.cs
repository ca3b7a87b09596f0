namespace Portal.Infrastructure.Notifications;

using System.Net;
using System.Net.Sockets;
using Portal.Core.Notifications;

/// <summary>
/// Webhook URLs are not a way in: a URL must be https and every address its host resolves to public, checked when
/// a channel is saved and again when each connection is opened (DNS can change between the two).
/// </summary>
public static class WebhookUrls
{
    /// <summary>Why the URL cannot be a webhook's; null when it can. Resolves the host.</summary>
    public static async Task<string?> ProblemAsync(string? url, bool allowPrivate, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "A webhook needs a URL.";
        if (url.Length > 2048) return "The URL is longer than 2048 characters.";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "Enter an absolute https:// URL.";
        if (uri.Scheme == Uri.UriSchemeHttp && !allowPrivate) return "Webhooks are sent over https only: plain http would carry the events in clear.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "Put no user name or password in the URL: webhooks are signed with the channel's secret.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "A webhook URL has no #fragment.";
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException e)
        {
            return $"The host '{uri.Host}' could not be resolved ({e.SocketErrorCode}).";
        }
        if (addresses.Length == 0) return $"The host '{uri.Host}' has no address.";
        if (!allowPrivate && addresses.FirstOrDefault(a => !PublicAddresses.IsPublic(a)) is { } inside)
            return $"The host '{uri.Host}' resolves to {inside}, a loopback, private or link-local address: webhooks go to public addresses only.";
        return null;
    }

    /// <summary>Opens a connection to the first allowed address of a host: the check made at send time, on the address actually connected to.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var addresses = await ResolveAsync(endpoint.Host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(PublicAddresses.IsPublic).ToArray();
        if (allowed.Length == 0 || (!allowPrivate && allowed.Length != addresses.Length))
            throw new HttpRequestException($"The host '{endpoint.Host}' now resolves to a loopback, private or link-local address; the webhook was not sent.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>A URL as shown after it was saved: a Slack or Teams URL is itself a secret, so only its host and last characters show.</summary>
    public static string? Display(ChannelKind kind, string? url)
    {
        if (url is null || kind != ChannelKind.Slack || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url;
        var tail = url.Length > 4 ? url[^4..] : "";
        return $"{uri.Scheme}://{uri.Authority}/…{tail}";
    }
}
