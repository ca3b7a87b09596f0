namespace Portal.Core.Notifications;

/// <summary>
/// Something that happened to a connection or run, written in the same transaction as the state change that
/// caused it and turned into notifications by a job: a crash after the change never loses the event, and its
/// id (carried in every message) lets a receiver drop a repeat.
/// </summary>
public sealed class OutboxEvent
{
    /// <summary>The event id receivers see.</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Event { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Guid ConnectionId { get; set; }

    public Guid CustomerId { get; set; }

    public long? RunId { get; set; }

    /// <summary>For failures: how many failed runs in a row the connection has now.</summary>
    public int? ConsecutiveFailures { get; set; }

    /// <summary>The event's own fields (a receipt, a reason, a summary), as a JSON object; null for none.</summary>
    public string? Data { get; set; }

    /// <summary>When the job matched it to rules and queued its notifications; null while it waits.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
}
