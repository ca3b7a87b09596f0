namespace Portal.Infrastructure.Notifications;

/// <summary>Settings of notifications (<c>Portal:Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Portal:Notifications";

    /// <summary>
    /// Lets webhooks reach loopback, private and link-local addresses, over plain http too. Off in production: a webhook
    /// URL must not be a way into the portal's own network. On for tests with receivers on loopback.
    /// </summary>
    public bool AllowPrivate { get; set; }

    /// <summary>How often the notification job looks for new events and for notifications due again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry's delay; each next one doubles, up to an hour.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a notification is retried after it was queued before it is given up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one attempt may take (connect, send and answer).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the log keeps a notification (and its attempts); matched events leave the outbox after a week.</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Events and notifications handled per pass of the job.</summary>
    public int BatchSize { get; set; } = 100;
}

/// <summary>How the portal sends email (<c>Portal:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Portal:Smtp";

    /// <summary>The SMTP server; email channels fail with a clear reply while it is not set.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>Auto</c> (TLS on 465, STARTTLS when offered), <c>StartTls</c> (required), <c>SslOnConnect</c>, or <c>None</c>.</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Portal &lt;portal@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Portal <portal@localhost>";
}
