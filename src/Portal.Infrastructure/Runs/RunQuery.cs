namespace Portal.Infrastructure.Runs;

using Portal.Core.Connections;
using Portal.Core.Runs;

/// <summary>Filters of the runs list; every one is optional.</summary>
public sealed record RunQuery(
    RunStatus? Status = null, Guid? ConnectionId = null, Guid? CustomerId = null, DeliveryKind? Kind = null, RunTrigger? Trigger = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Search = null, bool NeedsAttention = false, int Page = 1, int PageSize = 50);
