namespace Portal.Core.Notifications;

/// <summary>Where notifications go: a webhook, a Slack-compatible webhook or an email address, owned by a customer or (none) by staff.</summary>
public sealed class NotificationChannel
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public ChannelKind Kind { get; set; }

    /// <summary>The endpoint of a webhook or Slack channel.</summary>
    public string? Url { get; set; }

    /// <summary>The address of an email channel.</summary>
    public string? Email { get; set; }

    /// <summary>The customer whose channel it is; null for a staff channel.</summary>
    public Guid? CustomerId { get; set; }

    /// <summary>The webhook signing secret, encrypted at rest; shown once when the channel is created.</summary>
    public string? SecretCipher { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
