namespace Portal.Infrastructure.Notifications;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Notifications;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Turns outbox events into notifications and sends them. An event is matched to rules once (its notifications and
/// its dispatched mark are one transaction; a notification is unique per event and channel); a notification is
/// claimed before it is sent, retried with backoff while it fails, and given up after the retry window. A crash
/// between sending and recording sends it again: receivers drop repeats by the event id.
/// </summary>
public sealed class NotificationDispatcher(
    IDbContextFactory<PortalDbContext> contexts, ChannelSender sender, IOptions<NotificationOptions> options, IOptions<PortalOptions> portal,
    TimeProvider clock, ILogger<NotificationDispatcher> logger)
{
    private NotificationOptions Options => options.Value;

    // How long a notification being sent is held from other passes: past any attempt's end.
    private TimeSpan ClaimFor => 2 * Options.Timeout + TimeSpan.FromSeconds(30);

    /// <summary>Matches waiting events to rules and queues their notifications; returns how many events were handled.</summary>
    public async Task<int> DispatchAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var events = await db.OutboxEvents.AsNoTracking().Where(e => e.DispatchedAt == null).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).Take(Options.BatchSize).ToListAsync(ct);
        if (events.Count == 0) return 0;
        var rules = await db.NotificationRules.AsNoTracking().ToListAsync(ct);
        var channels = await db.NotificationChannels.AsNoTracking().ToDictionaryAsync(c => c.Id, ct);
        foreach (var e in events) await DispatchAsync(e, rules, channels, ct);
        return events.Count;
    }

    private async Task DispatchAsync(OutboxEvent e, IReadOnlyList<NotificationRule> rules, IReadOnlyDictionary<Guid, NotificationChannel> channels, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        // Claimed by this pass: another node that read it too finds it dispatched and queues nothing.
        if (await db.OutboxEvents.Where(x => x.Id == e.Id && x.DispatchedAt == null).ExecuteUpdateAsync(u => u.SetProperty(x => x.DispatchedAt, now), ct) == 0) return;
        var targets = rules
            .Where(r => channels.TryGetValue(r.ChannelId, out var channel) && r.Matches(e.Event, e.ConnectionId, e.CustomerId, channel.CustomerId, e.ConsecutiveFailures))
            .Select(r => channels[r.ChannelId]).DistinctBy(c => c.Id).ToList();
        if (targets.Count > 0)
        {
            var connection = await db.Connections.IgnoreQueryFilters().AsNoTracking().Where(c => c.Id == e.ConnectionId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "(deleted)";
            var customer = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => c.Id == e.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "";
            var status = e.RunId is { } runId ? await db.Runs.IgnoreQueryFilters().AsNoTracking().Where(r => r.Id == runId).Select(r => r.Status.ToString()).FirstOrDefaultAsync(ct) : null;
            var payload = NotificationMessages.Payload(e, connection, customer, status, portal.Value.PublicUrl);
            foreach (var channel in targets)
            {
                db.Notifications.Add(new Notification
                {
                    EventId = e.Id, Event = e.Event, ChannelId = channel.Id, CustomerId = channel.CustomerId, ConnectionId = e.ConnectionId, RunId = e.RunId,
                    Status = NotificationStatus.Pending, Payload = payload, CreatedAt = now, NextAttemptAt = now,
                });
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (targets.Count > 0) logger.LogInformation("Event {Event} {EventId} queued for {Count} channels", e.Event, e.Id, targets.Count);
    }

    /// <summary>Sends the notifications that are due (new, or waiting for their next retry); returns how many were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        List<(long Id, DateTimeOffset At)> due;
        var now = clock.GetUtcNow();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = (await db.Notifications.AsNoTracking().Where(n => n.Status == NotificationStatus.Pending && n.NextAttemptAt <= now)
                .OrderBy(n => n.NextAttemptAt).ThenBy(n => n.Id).Take(Options.BatchSize).Select(n => new { n.Id, n.NextAttemptAt }).ToListAsync(ct))
                .Select(n => (n.Id, n.NextAttemptAt)).ToList();
        }
        // A slow receiver does not hold up the others.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (n, token) => await SendAsync(n.Id, n.At, token));
        return due.Count;
    }

    private async Task SendAsync(long id, DateTimeOffset dueAt, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Claimed until the attempt is surely over, so no other pass sends it meanwhile; a crash leaves it due again after that.
        var claimUntil = clock.GetUtcNow() + ClaimFor;
        if (await db.Notifications.Where(n => n.Id == id && n.Status == NotificationStatus.Pending && n.NextAttemptAt == dueAt)
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.NextAttemptAt, claimUntil), ct) == 0) return;
        var notification = await db.Notifications.FirstAsync(n => n.Id == id, ct);
        var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == notification.ChannelId, ct);
        var result = channel is null ? new SendResult(false, "The channel was deleted.") : await sender.SendAsync(channel, notification.Payload, ct);
        Record(db, notification, channel, result, retry: channel is not null);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private void Record(PortalDbContext db, Notification n, NotificationChannel? channel, SendResult result, bool retry)
    {
        var now = clock.GetUtcNow();
        var response = result.Response.Length > 1000 ? result.Response[..1000] : result.Response;
        n.Attempts++;
        n.LastResponse = response;
        var channelKind = channel?.Kind.ToString() ?? "Deleted";
        db.NotificationAttempts.Add(new NotificationAttempt { NotificationId = n.Id, At = now, Succeeded = result.Delivered, Response = response });
        if (result.Delivered)
        {
            (n.Status, n.SentAt, n.NextAttemptAt) = (NotificationStatus.Sent, now, now);
            Telemetry.PortalMetrics.Notification(channelKind, "sent");
            logger.LogInformation("Notification {Id} ({Event} {EventId}) sent on attempt {Attempt}: {Response}", n.Id, n.Event, n.EventId, n.Attempts, response);
            return;
        }
        var next = retry ? RetrySchedule.Next(n.CreatedAt, now, n.Attempts, Options.RetryBase, Options.RetryFor) : null;
        if (next is { } at) n.NextAttemptAt = at;
        else n.Status = NotificationStatus.Failed;
        Telemetry.PortalMetrics.Notification(channelKind, next is null ? "failed" : "retry");
        logger.LogWarning("Notification {Id} ({Event} {EventId}) attempt {Attempt} failed: {Response}; {Next}", n.Id, n.Event, n.EventId, n.Attempts, response,
            next is null ? "given up" : $"next attempt at {next:O}");
    }

    private static long _lastPruneTicks;

    /// <summary>At most once an hour: forgets log lines older than <see cref="NotificationOptions.KeepFor"/> and events matched a week ago.</summary>
    public async Task<int> PruneAsync(CancellationToken ct, bool force = false)
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref _lastPruneTicks);
        if (!force && (now.UtcTicks - last < TimeSpan.TicksPerHour || Interlocked.CompareExchange(ref _lastPruneTicks, now.UtcTicks, last) != last)) return 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var logCutoff = now - Options.KeepFor;
        var eventCutoff = now - TimeSpan.FromDays(7);
        var old = db.Notifications.IgnoreQueryFilters().Where(n => n.CreatedAt < logCutoff && n.Status != NotificationStatus.Pending);
        await db.NotificationAttempts.Where(a => old.Any(n => n.Id == a.NotificationId)).ExecuteDeleteAsync(ct);
        var removed = await old.ExecuteDeleteAsync(ct);
        removed += await db.OutboxEvents.Where(e => e.DispatchedAt != null && e.DispatchedAt < eventCutoff).ExecuteDeleteAsync(ct);
        return removed;
    }

    /// <summary>Sends a test message to a channel now, once, and logs it like any notification.</summary>
    public async Task<Notification> SendTestAsync(NotificationChannel channel, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var now = clock.GetUtcNow();
        var eventId = Guid.CreateVersion7();
        var notification = new Notification
        {
            EventId = eventId, Event = NotificationEvents.Test, ChannelId = channel.Id, CustomerId = channel.CustomerId, Status = NotificationStatus.Pending,
            // Claimed from the start: the job must not send it too while this attempt is under way.
            Payload = NotificationMessages.TestPayload(eventId, channel, now, portal.Value.PublicUrl), CreatedAt = now, NextAttemptAt = now + ClaimFor,
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(ct);
        var result = await sender.SendAsync(channel, notification.Payload, ct);
        Record(db, notification, channel, result, retry: false);
        await db.SaveChangesAsync(CancellationToken.None);
        return notification;
    }
}
