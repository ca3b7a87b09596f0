namespace Portal.Core.Notifications;

/// <summary>How a channel is reached.</summary>
public enum ChannelKind
{
    /// <summary>An HTTPS endpoint that receives the event as JSON, signed with the channel's secret.</summary>
    Webhook,

    /// <summary>A Slack (or Teams) incoming webhook: <c>{"text": …}</c> with a link to the run.</summary>
    Slack,

    /// <summary>An email address, over the portal's SMTP server.</summary>
    Email,
}
