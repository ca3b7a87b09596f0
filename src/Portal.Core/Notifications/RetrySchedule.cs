namespace Portal.Core.Notifications;

/// <summary>When a notification that failed is tried again: exponential backoff from a base, capped at an hour, for a window (24 h) after it was queued.</summary>
public static class RetrySchedule
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>The delay after the <paramref name="attempts"/>-th failed attempt (1-based): base, 2×base, 4×base, … up to an hour.</summary>
    public static TimeSpan DelayAfter(int attempts, TimeSpan @base)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var ticks = Math.Min(@base.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, 0));
    }

    /// <summary>The next attempt, or null when it would fall after the window and the notification is given up.</summary>
    public static DateTimeOffset? Next(DateTimeOffset queuedAt, DateTimeOffset now, int attempts, TimeSpan @base, TimeSpan window)
    {
        var next = now + DelayAfter(attempts, @base);
        return next <= queuedAt + window ? next : null;
    }
}
