namespace Portal.Web.Api;

using Portal.Core.Notifications;
using Portal.Infrastructure.Notifications;
using Portal.Web.Hosting;

public sealed record CreateChannelRequest(string? Name, string? Kind, string? Url, string? Email, Guid? CustomerId);

/// <summary>A channel as created: its signing secret (webhooks only) is in this answer and never again.</summary>
public sealed record CreatedChannelDto(Guid Id, string Name, string Kind, string? Secret);

public sealed record ChannelDto(Guid Id, string Name, string Kind, string? Url, string? Email, Guid? CustomerId, bool Signed, DateTimeOffset CreatedAt)
{
    public static ChannelDto From(NotificationChannel c) =>
        new(c.Id, c.Name, c.Kind.ToString(), WebhookUrls.Display(c.Kind, c.Url), c.Email, c.CustomerId, c.SecretCipher is not null, c.CreatedAt);
}

public sealed record CreateRuleRequest(Guid? ChannelId, IReadOnlyList<string>? Events, Guid? CustomerId, Guid? ConnectionId, int? ConsecutiveFailures);

public sealed record CreatedRuleDto(Guid Id);

public sealed record RuleDto(Guid Id, Guid ChannelId, IReadOnlyList<string> Events, Guid? CustomerId, Guid? ConnectionId, int? ConsecutiveFailures, DateTimeOffset CreatedAt)
{
    public static RuleDto From(NotificationRule r) => new(r.Id, r.ChannelId, r.EventList, r.CustomerId, r.ConnectionId, r.ConsecutiveFailures, r.CreatedAt);
}

public sealed record NotificationDto(
    long Id, Guid EventId, string Event, Guid ChannelId, long? RunId, Guid? ConnectionId, string Status, int Attempts, string? LastResponse,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt)
{
    public static NotificationDto From(Notification n) =>
        new(n.Id, n.EventId, n.Event, n.ChannelId, n.RunId, n.ConnectionId, n.Status.ToString(), n.Attempts, n.LastResponse, n.CreatedAt, n.SentAt);
}

internal static class NotificationsApi
{
    /// <summary>
    /// Channels, rules and the log. Every role may manage them; a Customer only its own customer's (another customer's
    /// are 404), and a customer's channel only ever hears about that customer's connections.
    /// </summary>
    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/notification-channels").WithTags("Notifications");
        channels.MapGet("/", async (Guid? customerId, NotificationSettings settings, CancellationToken ct) =>
        {
            var list = await settings.ListChannelsAsync(customerId, ct);
            return TypedResults.Ok(new ListResponse<ChannelDto>(list.Select(ChannelDto.From).ToList(), list.Count));
        });
        channels.MapPost("/", async (CreateChannelRequest request, NotificationSettings settings, CancellationToken ct) =>
        {
            var (channel, secret) = await settings.CreateChannelAsync(new ChannelInput(request.Name, request.Kind, request.Url, request.Email, request.CustomerId), ct);
            return TypedResults.Created($"/api/v1/notification-channels/{channel.Id}", new CreatedChannelDto(channel.Id, channel.Name, channel.Kind.ToString(), secret));
        });
        channels.MapGet("/{id:guid}", async Task<IResult> (Guid id, NotificationSettings settings, CancellationToken ct) =>
            await settings.FindChannelAsync(id, ct) is { } c ? TypedResults.Ok(ChannelDto.From(c)) : TypedResults.NotFound());
        channels.MapDelete("/{id:guid}", async Task<IResult> (Guid id, NotificationSettings settings, CancellationToken ct) =>
            await settings.DeleteChannelAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());
        channels.MapPost("/{id:guid}/test", async Task<IResult> (Guid id, NotificationSettings settings, NotificationDispatcher dispatcher, CancellationToken ct) =>
        {
            if (await settings.FindChannelAsync(id, ct) is not { } channel) return TypedResults.NotFound();
            return TypedResults.Ok(NotificationDto.From(await dispatcher.SendTestAsync(channel, ct)));
        }).RequireRateLimiting(RateLimits.ConnectionTest);

        var rules = api.MapGroup("/notification-rules").WithTags("Notifications");
        rules.MapGet("/", async (Guid? channelId, Guid? connectionId, NotificationSettings settings, CancellationToken ct) =>
        {
            var list = await settings.ListRulesAsync(channelId, connectionId, ct);
            return TypedResults.Ok(new ListResponse<RuleDto>(list.Select(RuleDto.From).ToList(), list.Count));
        });
        rules.MapPost("/", async (CreateRuleRequest request, NotificationSettings settings, CancellationToken ct) =>
        {
            if (request.ChannelId is not { } channelId) throw new Portal.Core.Validation.ValidationException("channelId", "Name the channel the rule sends to.");
            var rule = await settings.CreateRuleAsync(new RuleInput(channelId, request.Events, request.CustomerId, request.ConnectionId, request.ConsecutiveFailures), ct);
            return TypedResults.Created($"/api/v1/notification-rules/{rule.Id}", new CreatedRuleDto(rule.Id));
        });
        rules.MapGet("/{id:guid}", async Task<IResult> (Guid id, NotificationSettings settings, CancellationToken ct) =>
            await settings.FindRuleAsync(id, ct) is { } r ? TypedResults.Ok(RuleDto.From(r)) : TypedResults.NotFound());
        rules.MapDelete("/{id:guid}", async Task<IResult> (Guid id, NotificationSettings settings, CancellationToken ct) =>
            await settings.DeleteRuleAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());

        api.MapGet("/notifications", async (Guid? channelId, string? @event, NotificationStatus? status, Guid? connectionId, int? skip, int? take,
            NotificationSettings settings, CancellationToken ct) =>
        {
            var (items, total) = await settings.LogAsync(new NotificationFilter(channelId, @event, status, connectionId, skip ?? 0, take ?? 50), ct);
            return TypedResults.Ok(new ListResponse<NotificationDto>(items.Select(NotificationDto.From).ToList(), total));
        }).WithTags("Notifications");
        return api;
    }
}
