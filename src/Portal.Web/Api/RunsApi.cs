namespace Portal.Web.Api;

using Portal.Core.Runs;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Runs;
using Portal.Web.Auth;

internal static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        // Run now: Admin, CustomerSuccess and Operator may trigger.
        api.MapPost("/connections/{id:guid}/runs", async Task<IResult> (Guid id, RunRequest? request, RunActions runs, CancellationToken ct) =>
            await runs.RunNowAsync(id, request?.Schedule, ct) is { } run
                ? TypedResults.Accepted($"/api/v1/runs/{run.Id}", new RunCreatedDto(run.Id))
                : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.Staff);

        api.MapGet("/runs", async (string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
            string? q, bool? needsAttention, int? page, int? pageSize, RunQueries runs, CancellationToken ct) =>
        {
            var (items, total) = await runs.ListAsync(Query(status, connectionId, customerId, kind, trigger, from, to, q, needsAttention, page, pageSize), ct);
            return TypedResults.Ok(new ListResponse<RunDto>(items.Select(RunDto.From).ToList(), total));
        }).WithTags("Runs");

        api.MapPost("/runs/rerun-failed", async (string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
            string? q, RunActions runs, CancellationToken ct) =>
        {
            var started = await runs.RerunFailedAsync(Query(status, connectionId, customerId, kind, trigger, from, to, q, true, 1, RunQueries.MaxPageSize), ct);
            return TypedResults.Accepted((string?)null, new RerunFailedDto(started.Count, started));
        }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/runs/{id:long}/rerun", async Task<IResult> (long id, RunActions runs, CancellationToken ct) =>
        {
            var (runId, conflict) = await runs.RerunAsync(id, ct);
            return conflict is not null
                ? TypedResults.Problem(title: "Cannot rerun", detail: conflict, statusCode: StatusCodes.Status409Conflict)
                : TypedResults.Accepted($"/api/v1/runs/{runId}", new RunCreatedDto(runId!.Value));
        }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        // The same rows to the same keys: an exact redelivery of a delivered stream-export run.
        api.MapPost("/runs/{id:long}/redeliver", async Task<IResult> (long id, RunActions runs, CancellationToken ct) =>
            await runs.RedeliverAsync(id, ct) switch
            {
                null => TypedResults.NotFound(),
                { Conflict: { } conflict } => TypedResults.Problem(title: "Cannot redeliver", detail: conflict, statusCode: StatusCodes.Status409Conflict),
                { RunId: { } runId } => TypedResults.Accepted($"/api/v1/runs/{runId}", new RunCreatedDto(runId)),
                _ => TypedResults.NotFound(),
            }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        // A failed dump completed in its own folder: only the tables without a complete set of files, then the receipt.
        api.MapGet("/runs/{id:long}/resume", ResumePlanAsync).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/runs/{id:long}/resume", async Task<IResult> (long id, DumpResumes resumes, CancellationToken ct) =>
            await resumes.ResumeAsync(id, ct) switch
            {
                null => TypedResults.NotFound(),
                { Conflict: { } conflict } => TypedResults.Problem(title: "Cannot resume", detail: conflict, statusCode: StatusCodes.Status409Conflict),
                { RunId: { } runId } => TypedResults.Accepted($"/api/v1/runs/{runId}", new RunCreatedDto(runId)),
                _ => TypedResults.NotFound(),
            }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        // A one-off run of (from, to] for chosen streams that moves no mark.
        api.MapPost("/connections/{id:guid}/backfills", async Task<IResult> (Guid id, BackfillRequest request, RunActions runs, CancellationToken ct) =>
            await runs.BackfillAsync(id, request.Streams, request.From, request.To, ct) is { } run
                ? TypedResults.Accepted($"/api/v1/runs/{run.Id}", new RunCreatedDto(run.Id))
                : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.ConfigureOrOperate);

        api.MapPost("/runs/{id:long}/cancel", async Task<IResult> (long id, RunActions runs, CancellationToken ct) =>
            await runs.CancelAsync(id, ct) is { } conflict
                ? TypedResults.Problem(title: "Cannot cancel", detail: conflict, statusCode: StatusCodes.Status409Conflict)
                : TypedResults.Accepted($"/api/v1/runs/{id}")).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/connections/{id:guid}/pause", async Task<IResult> (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            await writer.SetEnabledAsync(id, false, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/connections/{id:guid}/resume", async Task<IResult> (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            await writer.SetEnabledAsync(id, true, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapGet("/runs/{id:long}/events", async Task<IResult> (long id, RunQueries runs, CancellationToken ct) =>
            await runs.EventsAsync(id, ct) is { } events
                ? TypedResults.Ok(new ListResponse<RunEventDto>(events.Select(e => new RunEventDto(e.At, e.Kind, e.Stream, e.Message)).ToList(), events.Count))
                : TypedResults.NotFound()).WithTags("Runs");

        api.MapGet("/runs/{id:long}", async Task<IResult> (long id, RunQueries runs, CancellationToken ct) =>
            await runs.DetailAsync(id, ct) is { } detail
                ? TypedResults.Ok(RunDto.From(detail.Run) with { Reruns = detail.Reruns, Attempts = detail.Attempts.Select(a => a.Id).ToList() })
                : TypedResults.NotFound()).WithTags("Runs");
        return api;
    }

    // Filters arrive as text so a wrong value gets a field message, not a binding failure.
    private static RunQuery Query(string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
        string? q, bool? needsAttention, int? page, int? pageSize)
    {
        var errors = new Portal.Core.Validation.FieldErrors();
        // status=Failed,Running means either state.
        var statuses = (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(one => Parse<RunStatus>(one, "status", errors)).OfType<RunStatus>().Distinct().ToList();
        var k = Parse<Portal.Core.Connections.DeliveryKind>(kind, "kind", errors);
        var t = Parse<RunTrigger>(trigger, "trigger", errors);
        var size = pageSize ?? 50;
        errors.Require(page is null or >= 1, "page", "Pages start at 1.");
        errors.Require(pageSize is null or (>= 1 and <= RunQueries.MaxPageSize), "pageSize", $"A page holds 1 to {RunQueries.MaxPageSize} runs.");
        errors.Require(page is null or < 1 || page <= RunQuery.MaxPage(size), "page", $"With {Math.Clamp(size, 1, RunQueries.MaxPageSize)} runs a page, pages go up to {RunQuery.MaxPage(size):N0}.");
        errors.Require(from is null || to is null || from <= to, "from", "'from' must not be after 'to'.").ThrowIfInvalid();
        return new RunQuery(null, connectionId, customerId, k, t, from, to, q, needsAttention ?? false, page ?? 1, size) { Statuses = statuses };
    }

    private static T? Parse<T>(string? value, string field, Portal.Core.Validation.FieldErrors errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        errors.Add(field, $"Use one of: {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }

    // The plan is read from the bucket: one that cannot be read is a 502 with the reason.
    private static async Task<IResult> ResumePlanAsync(long id, DumpResumes resumes, CancellationToken ct)
    {
        (DumpResumes.Plan? Plan, string? Conflict)? found;
        try
        {
            found = await resumes.PlanAsync(id, ct);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            return TypedResults.Problem(title: "The dump's folder could not be read", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
        return found switch
        {
            null => TypedResults.NotFound(),
            { Conflict: { } conflict } => TypedResults.Problem(title: "Cannot resume", detail: conflict, statusCode: StatusCodes.Status409Conflict),
            { Plan: { } plan } => TypedResults.Ok(new ResumePlanDto(plan.RunId, plan.Folder,
                plan.Tables.Where(t => t.Complete).Select(t => new ResumeTableDto(t.Name, t.Rows, t.Files)).ToList(),
                plan.Tables.Where(t => !t.Complete).Select(t => t.Name).ToList())),
            _ => TypedResults.NotFound(),
        };
    }
}

public sealed record RerunFailedDto(int Count, IReadOnlyList<long> Runs);

public sealed record RunCreatedDto(long Id);

public sealed record RunEventDto(DateTimeOffset At, string Kind, string? Stream, string Message);

/// <summary>Optional body of run now: which schedule an artifact sync syncs.</summary>
public sealed record RunRequest(string? Schedule);

/// <summary>A run; <c>reruns</c> and <c>attempts</c> (the chain of attempts it belongs to, as run ids) only on <c>GET /runs/{id}</c>.</summary>
public sealed record RunDto(
    long Id, Guid ConnectionId, Guid CustomerId, string Kind, string Status, string Trigger, long? RerunOf, long? PreviousAttempt, bool Resolved, int Attempt,
    DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? HeartbeatAt, double? DurationSeconds,
    long Rows, long Bytes, int Parts, string? Error, string? ErrorStep, IReadOnlyList<RunStreamDto> Streams, IReadOnlyList<string> Keys,
    string? Node, string? DumpFolder, DateTimeOffset? CancelRequestedAt)
{
    public IReadOnlyList<long>? Reruns { get; init; }

    public IReadOnlyList<long>? Attempts { get; init; }

    /// <summary>A backfill's streams and range; null for other runs.</summary>
    public BackfillRange? Backfill { get; init; }

    /// <summary>The run an exact redelivery repeats.</summary>
    public long? RedeliveryOf { get; init; }

    /// <summary>The failed dump a resume completes.</summary>
    public long? ResumeOf { get; init; }

    public static RunDto From(Run r) => new(
        r.Id, r.ConnectionId, r.CustomerId, r.Kind.ToString(), r.Status.ToString(), r.Trigger.ToString(), r.RerunOfId, r.PreviousAttemptId, r.Resolved, r.Attempt,
        r.QueuedAt, r.StartedAt, r.FinishedAt, r.HeartbeatAt, r.StartedAt is { } s ? ((r.FinishedAt ?? DateTimeOffset.UtcNow) - s).TotalSeconds : null,
        r.Rows, r.Bytes, r.Parts, r.Error, r.ErrorStep,
        r.Streams.OrderBy(s => s.Id).Select(s => new RunStreamDto(s.Name, s.Rows, s.Parts, s.Bytes, s.Total, s.StartedAt, s.FinishedAt)).ToList(),
        r.Keys(), r.Node, r.DumpFolder, r.CancelRequestedAt) { Backfill = r.Backfill, RedeliveryOf = r.RedeliveryOfId, ResumeOf = r.ResumeOfId };
}

public sealed record RunStreamDto(string Name, long Rows, int Parts, long Bytes, long? Total, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>What resuming a failed dump would do: its folder, the tables kept (complete there) and those written again.</summary>
public sealed record ResumePlanDto(long RunId, string Folder, IReadOnlyList<ResumeTableDto> Kept, IReadOnlyList<string> Written);

public sealed record ResumeTableDto(string Name, long Rows, int Files);

/// <summary>A backfill: the streams, and the cursor range <c>(from, to]</c> (from null: from the first row).</summary>
public sealed record BackfillRequest(IReadOnlyList<string>? Streams, string? From, string? To);
