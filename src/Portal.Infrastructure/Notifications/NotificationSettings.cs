namespace Portal.Infrastructure.Notifications;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Notifications;
using Portal.Core.Secrets;
using Portal.Core.Validation;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;

/// <summary>What a channel is created from (the API's and the UI's input).</summary>
public sealed record ChannelInput(string? Name, string? Kind, string? Url, string? Email, Guid? CustomerId);

/// <summary>What a rule is created from.</summary>
public sealed record RuleInput(Guid ChannelId, IReadOnlyList<string>? Events, Guid? CustomerId, Guid? ConnectionId, int? ConsecutiveFailures);

/// <summary>A filter of the notification log.</summary>
public sealed record NotificationFilter(Guid? ChannelId = null, string? Event = null, NotificationStatus? Status = null, Guid? ConnectionId = null, int Skip = 0, int Take = 50);

/// <summary>
/// Channels and rules, as the current actor may see and change them: a customer only its own (another customer's
/// are not found), staff any. A customer's channel only ever covers that customer's connections.
/// </summary>
public sealed class NotificationSettings(
    IDbContextFactory<PortalDbContext> contexts, ISecretProtector secrets, IOptions<NotificationOptions> options, TimeProvider clock)
{
    public const int MaxConsecutiveFailures = 1000;

    /// <summary>Creates a channel; returns it with its signing secret (webhooks only), shown this once.</summary>
    public async Task<(NotificationChannel Channel, string? Secret)> CreateChannelAsync(ChannelInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var errors = new FieldErrors();
        var name = Names.Normalise(input.Name);
        if (name.Length == 0) errors.Add("name", "Give the channel a name.");
        else if (name.Length > 200) errors.Add("name", "Keep the name to 200 characters.");
        else if (Names.InvisibleProblem(name, "The name") is { } invisible) errors.Add("name", invisible);
        if (!Enum.TryParse<ChannelKind>(input.Kind, ignoreCase: false, out var kind) || !Enum.IsDefined(kind) || int.TryParse(input.Kind, out _))
        {
            errors.Add("kind", "Choose Webhook, Slack or Email.");
        }
        else if (kind == ChannelKind.Email)
        {
            if (!string.IsNullOrWhiteSpace(input.Url)) errors.Add("url", "An email channel has no URL.");
            if (string.IsNullOrWhiteSpace(input.Email) || input.Email.Length > 320 || !MailboxAddress.TryParse(input.Email.Trim(), out var address)
                || address.Address.IndexOf('@', StringComparison.Ordinal) <= 0 || input.Email.Contains(',', StringComparison.Ordinal) || input.Email.Contains(';', StringComparison.Ordinal))
                errors.Add("email", "Enter one email address, like ops@example.com.");
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(input.Email)) errors.Add("email", "A webhook channel has no email address.");
            if (await WebhookUrls.ProblemAsync(input.Url, options.Value.AllowPrivate, ct) is { } problem) errors.Add("url", problem);
        }
        var customerId = await OwnerAsync(db, input.CustomerId, errors, ct);
        errors.ThrowIfInvalid();

        var secret = kind == ChannelKind.Webhook ? WebhookSignature.NewSecret() : null;
        var channel = new NotificationChannel
        {
            Name = name, Kind = kind, Url = kind == ChannelKind.Email ? null : input.Url!.Trim(), Email = kind == ChannelKind.Email ? input.Email!.Trim() : null,
            CustomerId = customerId, SecretCipher = secret is null ? null : secrets.Protect(SecretKind.WebhookSecret, secret), CreatedAt = clock.GetUtcNow(),
        };
        db.NotificationChannels.Add(channel);
        await db.SaveChangesAsync(ct);
        return (channel, secret);
    }

    // A customer's channels and rules are always its own; staff choose a customer, or none for a staff channel.
    private static async Task<Guid?> OwnerAsync(PortalDbContext db, Guid? requested, FieldErrors errors, CancellationToken ct)
    {
        if (!db.SeesAllCustomers)
        {
            if (requested is { } other && other != db.VisibleCustomerId) throw new KeyNotFoundException($"No customer {other}.");
            return db.VisibleCustomerId;
        }
        if (requested is { } id && !await db.Customers.AnyAsync(c => c.Id == id, ct)) errors.Add("customerId", $"No customer {id}.");
        return requested;
    }

    public async Task<IReadOnlyList<NotificationChannel>> ListChannelsAsync(Guid? customerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.NotificationChannels.AsNoTracking();
        if (customerId is { } id) query = query.Where(c => c.CustomerId == id);
        return await query.OrderBy(c => c.Name).ThenBy(c => c.Id).ToListAsync(ct);
    }

    public async Task<NotificationChannel?> FindChannelAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>Deletes a channel and its rules; its log stays (pending notifications to it are given up). False when not found.</summary>
    public async Task<bool> DeleteChannelAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var channel = await db.NotificationChannels.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null) return false;
        db.NotificationRules.RemoveRange(await db.NotificationRules.Where(r => r.ChannelId == id).ToListAsync(ct));
        db.NotificationChannels.Remove(channel);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<NotificationRule> CreateRuleAsync(RuleInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.ChannelId, ct)
            ?? throw new KeyNotFoundException($"No channel {input.ChannelId}.");
        var errors = new FieldErrors();
        var events = (input.Events ?? []).Select(e => e?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (events.Count == 0) errors.Add("events", $"Name at least one event: {string.Join(", ", NotificationEvents.All)}.");
        else if (events.Count > NotificationEvents.All.Count) errors.Add("events", $"There are {NotificationEvents.All.Count} events; name each at most once.");
        else foreach (var unknown in events.Where(e => !NotificationEvents.IsKnown(e)))
            errors.Add("events", $"'{Shorten(unknown)}' is not an event; choose from {string.Join(", ", NotificationEvents.All)}.");
        if (input.ConsecutiveFailures is { } n && (n < 1 || n > MaxConsecutiveFailures))
            errors.Add("consecutiveFailures", $"Give a number of failed runs in a row from 1 to {MaxConsecutiveFailures}.");
        if (input.ConsecutiveFailures is not null && !events.Contains(NotificationEvents.ConnectionFailing))
            errors.Add("consecutiveFailures", "Only connection.failing counts failed runs in a row; add it to the events or leave this empty.");

        var customerId = input.CustomerId;
        if (input.ConnectionId is { } connectionId)
        {
            // Not found for a customer means not theirs: 404, as for any other customer's object.
            var owner = await db.Connections.Where(c => c.Id == connectionId).Select(c => (Guid?)c.CustomerId).FirstOrDefaultAsync(ct)
                ?? throw new KeyNotFoundException($"No connection {connectionId}.");
            if (customerId is { } named && named != owner) errors.Add("customerId", "The connection belongs to another customer; give the connection or the customer, not both.");
            customerId = null;
            if (channel.CustomerId is { } channelOwner && channelOwner != owner) errors.Add("connectionId", "This channel belongs to another customer: it can only hear about that customer's connections.");
        }
        else
        {
            if (customerId is { } id && !await db.Customers.AnyAsync(c => c.Id == id, ct)) throw new KeyNotFoundException($"No customer {id}.");
            if (channel.CustomerId is { } channelOwner)
            {
                if (customerId is { } named && named != channelOwner) errors.Add("customerId", "This channel belongs to another customer: it can only hear about that customer's connections.");
                customerId = channelOwner;
            }
            else if (!db.SeesAllCustomers) customerId = db.VisibleCustomerId;
        }
        errors.ThrowIfInvalid();
        var rule = new NotificationRule
        {
            ChannelId = channel.Id, Events = string.Join(',', NotificationEvents.All.Where(events.Contains)), CustomerId = customerId, ConnectionId = input.ConnectionId,
            ConsecutiveFailures = events.Contains(NotificationEvents.ConnectionFailing) ? input.ConsecutiveFailures ?? NotificationRule.DefaultConsecutiveFailures : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public async Task<IReadOnlyList<NotificationRule>> ListRulesAsync(Guid? channelId, Guid? connectionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.NotificationRules.AsNoTracking();
        if (channelId is { } channel) query = query.Where(r => r.ChannelId == channel);
        if (connectionId is { } connection)
        {
            var owner = await db.Connections.Where(c => c.Id == connection).Select(c => (Guid?)c.CustomerId).FirstOrDefaultAsync(ct);
            query = query.Where(r => r.ConnectionId == connection || (r.ConnectionId == null && (r.CustomerId == null || r.CustomerId == owner)));
        }
        return await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
    }

    public async Task<NotificationRule?> FindRuleAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.NotificationRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    public async Task<bool> DeleteRuleAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null) return false;
        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The log, newest first, as the actor may see it.</summary>
    public async Task<(IReadOnlyList<Notification> Items, int Total)> LogAsync(NotificationFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Notifications.AsNoTracking();
        if (filter.ChannelId is { } channel) query = query.Where(n => n.ChannelId == channel);
        if (!string.IsNullOrEmpty(filter.Event)) query = query.Where(n => n.Event == filter.Event);
        if (filter.Status is { } status) query = query.Where(n => n.Status == status);
        if (filter.ConnectionId is { } connection) query = query.Where(n => n.ConnectionId == connection);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(n => n.Id).Skip(Math.Max(0, filter.Skip)).Take(Math.Clamp(filter.Take, 1, 500)).ToListAsync(ct);
        return (items, total);
    }

    public async Task<IReadOnlyList<NotificationAttempt>> AttemptsAsync(long notificationId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Notifications.AnyAsync(n => n.Id == notificationId, ct)) return [];
        return await db.NotificationAttempts.AsNoTracking().Where(a => a.NotificationId == notificationId).OrderBy(a => a.Id).ToListAsync(ct);
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
