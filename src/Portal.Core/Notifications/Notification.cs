namespace Portal.Core.Notifications;

/// <summary>How far a notification got.</summary>
public enum NotificationStatus
{
    /// <summary>Not sent yet, or sent and to be tried again.</summary>
    Pending,

    Sent,

    /// <summary>Given up: every attempt for the retry window failed, or it can never succeed (the channel was deleted).</summary>
    Failed,
}

/// <summary>One event sent to one channel: its body, fixed when it is queued, and every attempt to send it.</summary>
public sealed class Notification
{
    public long Id { get; set; }

    public Guid EventId { get; set; }

    public required string Event { get; set; }

    public Guid ChannelId { get; set; }

    /// <summary>The channel's customer (null for a staff channel): who may read this line of the log.</summary>
    public Guid? CustomerId { get; set; }

    public Guid? ConnectionId { get; set; }

    public long? RunId { get; set; }

    public NotificationStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>The receiver's last answer: an HTTP status with the start of its body, an SMTP reply, or why it could not be reached.</summary>
    public string? LastResponse { get; set; }

    /// <summary>The JSON body, identical on every attempt (so its signature and event id are).</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public List<NotificationAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One try at sending a notification.</summary>
public sealed class NotificationAttempt
{
    public long Id { get; set; }

    public long NotificationId { get; set; }

    public DateTimeOffset At { get; set; }

    public bool Succeeded { get; set; }

    public required string Response { get; set; }
}
