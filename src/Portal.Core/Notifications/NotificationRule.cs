namespace Portal.Core.Notifications;

/// <summary>
/// Which events go to a channel, for all connections (no scope), one customer's connections, or one connection.
/// A customer's channel only ever hears about that customer's connections, whatever the rule says.
/// </summary>
public sealed class NotificationRule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ChannelId { get; set; }

    /// <summary>The event names, comma-separated.</summary>
    public string Events { get; set; } = "";

    public Guid? CustomerId { get; set; }

    public Guid? ConnectionId { get; set; }

    /// <summary>For <see cref="NotificationEvents.ConnectionFailing"/>: sent when a connection's failed runs in a row reach this number.</summary>
    public int? ConsecutiveFailures { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The number of failures <see cref="NotificationEvents.ConnectionFailing"/> waits for when a rule names none.</summary>
    public const int DefaultConsecutiveFailures = 3;

    /// <summary>
    /// Whether an event of a connection goes to this rule's channel: the rule names it, the scope covers the
    /// connection, the channel belongs to staff or to the connection's customer, and a failing streak is the rule's.
    /// </summary>
    public bool Matches(string @event, Guid connectionId, Guid customerId, Guid? channelCustomerId, int? consecutiveFailures)
    {
        if (channelCustomerId is { } owner && owner != customerId) return false;
        if (ConnectionId is { } only && only != connectionId) return false;
        if (CustomerId is { } customer && customer != customerId) return false;
        if (!EventList.Contains(@event, StringComparer.Ordinal)) return false;
        return @event != NotificationEvents.ConnectionFailing || consecutiveFailures == (ConsecutiveFailures ?? DefaultConsecutiveFailures);
    }
}
