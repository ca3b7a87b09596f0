namespace Portal.Infrastructure.Notifications;

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Core.Notifications;

/// <summary>
/// The words of a notification: its JSON body (the same for every channel and attempt), and the chat line and
/// email made from that body. Built only from what a customer may read: names, ids, counts, links and the
/// customer-safe error; never a credential, endpoint or key.
/// </summary>
public static class NotificationMessages
{
    /// <summary>The webhook body: <c>{ id, event, occurredAt, connection, customer, run, details, receipt }</c>.</summary>
    public static string Payload(OutboxEvent e, string connectionName, string customerName, string? runStatus, string publicUrl)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = Outbox.Parse(e.Data) ?? new JsonObject();
        var receipt = data["receipt"]?.DeepClone();
        data.Remove("receipt");
        var body = new JsonObject
        {
            ["id"] = e.Id,
            ["event"] = e.Event,
            ["occurredAt"] = e.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["connection"] = new JsonObject { ["id"] = e.ConnectionId, ["name"] = connectionName, ["url"] = Link(publicUrl, $"connections/{e.ConnectionId}") },
            ["customer"] = new JsonObject { ["id"] = e.CustomerId, ["name"] = customerName },
            ["run"] = e.RunId is { } run ? new JsonObject { ["id"] = run, ["status"] = runStatus, ["url"] = Link(publicUrl, $"runs/{run}") } : null,
            ["details"] = data,
        };
        if (receipt is not null) body["receipt"] = receipt;
        return body.ToJsonString();
    }

    /// <summary>The body of a channel's "Send test".</summary>
    public static string TestPayload(Guid eventId, NotificationChannel channel, DateTimeOffset at, string publicUrl)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new JsonObject
        {
            ["id"] = eventId,
            ["event"] = NotificationEvents.Test,
            ["occurredAt"] = at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["channel"] = new JsonObject { ["id"] = channel.Id, ["name"] = channel.Name },
            ["details"] = new JsonObject { ["message"] = $"A test from {publicUrl.TrimEnd('/')}: this channel receives the portal's notifications." },
        }.ToJsonString();
    }

    /// <summary>One line saying what happened, with the object it concerns.</summary>
    public static string Headline(string payload) => Headline(Parse(payload));

    private static string Headline(JsonObject p)
    {
        var connection = p["connection"]?["name"]?.GetValue<string>() ?? "";
        var run = p["run"]?["id"]?.GetValue<long>();
        var details = p["details"] as JsonObject;
        return p["event"]?.GetValue<string>() switch
        {
            NotificationEvents.RunFailed => $"Run {run} of {connection} failed" + (details?["error"]?.GetValue<string>() is { } error ? $": {error}" : "."),
            NotificationEvents.RunRecovered => $"{connection} delivered again (run {run}) after {details?["failedRunsBefore"]} failed runs.",
            NotificationEvents.ConnectionFailing => $"{connection} has failed {details?["consecutiveFailures"]} runs in a row (latest: run {run}).",
            NotificationEvents.ConnectionPaused => $"{connection} is paused: {details?["reason"]}",
            NotificationEvents.DumpDelivered => $"A dump of {connection} was delivered (run {run}): {p["receipt"]?["folder"]}, {Count(details?["rows"])} rows.",
            NotificationEvents.ExportDelivered => $"{connection} exported {Count(details?["rows"])} rows in {details?["files"]} files (run {run}).",
            NotificationEvents.ArtifactsDelivered => $"{connection} synced {details?["files"]} artifact files (run {run}).",
            NotificationEvents.SchemaChanged => $"The schema of {connection} changed (run {run}{(details?["failed"]?.GetValue<bool>() == true ? ", which failed for it" : "")}): {details?["summary"]}",
            NotificationEvents.Test => details?["message"]?.GetValue<string>() ?? "A test notification.",
            var other => $"{other} on {connection}.",
        };
    }

    /// <summary>The link a message points to: the run, else the connection, else the portal.</summary>
    public static string? LinkOf(string payload) => LinkOf(Parse(payload));

    private static string? LinkOf(JsonObject p) => p["run"]?["url"]?.GetValue<string>() ?? p["connection"]?["url"]?.GetValue<string>();

    // Each message reads its body once.
    private static JsonObject Parse(string payload) => JsonNode.Parse(payload)!.AsObject();

    /// <summary>A Slack or Teams incoming-webhook body: <c>{"text": …}</c> with a link.</summary>
    public static string SlackBody(string payload)
    {
        var p = Parse(payload);
        var text = Escape(Headline(p));
        if (LinkOf(p) is { } link) text += $" <{link}|Open in Portal>";
        return new JsonObject { ["text"] = text }.ToJsonString();
    }

    public static string EmailSubject(string payload)
    {
        var line = Headline(payload);
        var firstLine = line.Split('\n')[0];
        return "[Portal] " + (firstLine.Length > 150 ? firstLine[..150] + "…" : firstLine);
    }

    public static string EmailText(string payload)
    {
        var p = Parse(payload);
        var text = new StringBuilder().AppendLine(Headline(p)).AppendLine();
        if (LinkOf(p) is { } link) text.AppendLine(CultureInfo.InvariantCulture, $"Open it in the portal: {link}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Event: {p["event"]} ({p["id"]})");
        text.AppendLine(CultureInfo.InvariantCulture, $"At: {p["occurredAt"]}");
        if (p["customer"]?["name"] is { } customer) text.AppendLine(CultureInfo.InvariantCulture, $"Customer: {customer}");
        return text.ToString();
    }

    public static string EmailHtml(string payload)
    {
        var p = Parse(payload);
        var html = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif\">");
        html.Append(CultureInfo.InvariantCulture, $"<p>{WebUtility.HtmlEncode(Headline(p))}</p>");
        if (LinkOf(p) is { } link) html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Open it in the portal</a></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p style=\"color:#666;font-size:12px\">Event {WebUtility.HtmlEncode(p["event"]?.ToString())} · {WebUtility.HtmlEncode(p["id"]?.ToString())} · {WebUtility.HtmlEncode(p["occurredAt"]?.ToString())}</p>");
        return html.Append("</body></html>").ToString();
    }

    private static string Link(string publicUrl, string path) => publicUrl.TrimEnd('/') + "/" + path;

    private static string Count(JsonNode? n) => n is null ? "0" : n.GetValue<long>().ToString("N0", CultureInfo.InvariantCulture);

    // Slack's mrkdwn reads &, < and > as markup.
    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
