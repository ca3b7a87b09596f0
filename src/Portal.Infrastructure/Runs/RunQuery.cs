namespace Portal.Infrastructure.Runs;

using Portal.Core.Connections;
using Portal.Core.Runs;

/// <summary>Filters of the runs list; every one is optional.</summary>
public sealed record RunQuery(
    RunStatus? Status = null, Guid? ConnectionId = null, Guid? CustomerId = null, DeliveryKind? Kind = null, RunTrigger? Trigger = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Search = null, bool NeedsAttention = false, int Page = 1, int PageSize = 50)
{
    /// <summary>Runs in any of these states (<c>status=Failed,Running</c>); with <see cref="Status"/>, runs in both.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>The largest page that can be asked for: every page's first row must be countable.</summary>
    public static int MaxPage(int pageSize) => int.MaxValue / Math.Clamp(pageSize, 1, RunQueries.MaxPageSize);
}
