namespace Portal.Web.Api;

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Runs;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Portal.Web.Auth;

internal static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        // Run now: Admin, CustomerSuccess and Operator may trigger.
        api.MapPost("/connections/{id:guid}/runs", async Task<IResult> (Guid id, RunRequest? request, ConnectionService connections, RunRecorder recorder, ConnectionScheduler scheduler, CancellationToken ct) =>
        {
            if (await connections.FindAsync(id, ct) is not { } connection) return TypedResults.NotFound();
            string? schedule = null;
            if (connection.Kind == Portal.Core.Connections.DeliveryKind.ArtifactSync)
            {
                schedule = request?.Schedule ?? (connection.Schedules.Count == 1 ? connection.Schedules[0].Name : null);
                if (schedule is null || connection.Schedules.All(s => s.Name != schedule))
                    throw new Portal.Core.Validation.ValidationException("schedule", $"Name one of the connection's schedules: {string.Join(", ", connection.Schedules.Select(s => s.Name))}.");
            }
            var run = await recorder.CreateAsync(connection, RunTrigger.Manual, 1, null, ct);
            await scheduler.RunNowAsync(connection.Id, run.Id, ct, schedule);
            return TypedResults.Accepted($"/api/v1/runs/{run.Id}", new RunCreatedDto(run.Id));
        }).WithTags("Runs").RequireAuthorization(Policies.Staff);

        api.MapGet("/runs", async (string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
            string? q, bool? needsAttention, int? page, int? pageSize, RunActions runs, CancellationToken ct) =>
        {
            var (items, total) = await runs.ListAsync(Query(status, connectionId, customerId, kind, trigger, from, to, q, needsAttention, page, pageSize), ct);
            return TypedResults.Ok(new ListResponse<RunDto>(items.Select(RunDto.From).ToList(), total));
        }).WithTags("Runs");

        api.MapPost("/runs/rerun-failed", async (string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
            string? q, RunActions runs, CancellationToken ct) =>
        {
            var started = await runs.RerunFailedAsync(Query(status, connectionId, customerId, kind, trigger, from, to, q, true, 1, RunActions.MaxPageSize), ct);
            return TypedResults.Accepted((string?)null, new RerunFailedDto(started.Count, started));
        }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/runs/{id:long}/rerun", async Task<IResult> (long id, RunActions runs, CancellationToken ct) =>
        {
            var (runId, conflict) = await runs.RerunAsync(id, ct);
            return conflict is not null
                ? TypedResults.Problem(title: "Cannot rerun", detail: conflict, statusCode: StatusCodes.Status409Conflict)
                : TypedResults.Accepted($"/api/v1/runs/{runId}", new RunCreatedDto(runId!.Value));
        }).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/runs/{id:long}/cancel", async Task<IResult> (long id, RunActions runs, CancellationToken ct) =>
            await runs.CancelAsync(id, ct) is { } conflict
                ? TypedResults.Problem(title: "Cannot cancel", detail: conflict, statusCode: StatusCodes.Status409Conflict)
                : TypedResults.Accepted($"/api/v1/runs/{id}")).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/connections/{id:guid}/pause", async Task<IResult> (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            await writer.SetEnabledAsync(id, false, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapPost("/connections/{id:guid}/resume", async Task<IResult> (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            await writer.SetEnabledAsync(id, true, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithTags("Runs").RequireAuthorization(Policies.Operate);

        api.MapGet("/runs/{id:long}/events", async Task<IResult> (long id, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            // The run goes through the tenant filter; its events have none of their own.
            if (!await db.Runs.AnyAsync(r => r.Id == id, ct)) return TypedResults.NotFound();
            var events = await db.RunEvents.AsNoTracking().Where(e => e.RunId == id).OrderBy(e => e.Id)
                .Select(e => new RunEventDto(e.At, e.Kind, e.Stream, e.Message)).ToListAsync(ct);
            return TypedResults.Ok(new ListResponse<RunEventDto>(events, events.Count));
        }).WithTags("Runs");

        api.MapGet("/runs/{id:long}", async Task<IResult> (long id, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var run = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == id, ct);
            return run is null ? TypedResults.NotFound() : TypedResults.Ok(RunDto.From(run));
        }).WithTags("Runs");
        return api;
    }

    // Filters arrive as text so a wrong value gets a field message, not a binding failure.
    private static RunQuery Query(string? status, Guid? connectionId, Guid? customerId, string? kind, string? trigger, DateTimeOffset? from, DateTimeOffset? to,
        string? q, bool? needsAttention, int? page, int? pageSize)
    {
        var errors = new Portal.Core.Validation.FieldErrors();
        var s = Parse<RunStatus>(status, "status", errors);
        var k = Parse<Portal.Core.Connections.DeliveryKind>(kind, "kind", errors);
        var t = Parse<RunTrigger>(trigger, "trigger", errors);
        errors.Require(page is null or >= 1, "page", "Pages start at 1.").ThrowIfInvalid();
        return new RunQuery(s, connectionId, customerId, k, t, from, to, q, needsAttention ?? false, page ?? 1, pageSize ?? 50);
    }

    private static T? Parse<T>(string? value, string field, Portal.Core.Validation.FieldErrors errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        errors.Add(field, $"Use one of: {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }
}

public sealed record RerunFailedDto(int Count, IReadOnlyList<long> Runs);

public sealed record RunCreatedDto(long Id);

public sealed record RunEventDto(DateTimeOffset At, string Kind, string? Stream, string Message);

/// <summary>Optional body of run now: which schedule an artifact sync syncs.</summary>
public sealed record RunRequest(string? Schedule);

public sealed record RunDto(
    long Id, Guid ConnectionId, string Status, string Trigger, long? RerunOf, bool Resolved, int Attempt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, IReadOnlyList<RunStreamDto> Streams, IReadOnlyList<string> Keys)
{
    public static RunDto From(Run r) => new(
        r.Id, r.ConnectionId, r.Status.ToString(), r.Trigger.ToString(), r.RerunOfId, r.Resolved, r.Attempt, r.StartedAt, r.FinishedAt, r.Error,
        r.Streams.OrderBy(s => s.Id).Select(s => new RunStreamDto(s.Name, s.Rows, s.Parts, s.Bytes)).ToList(),
        JsonSerializer.Deserialize<List<string>>(r.KeysJson) ?? []);
}

public sealed record RunStreamDto(string Name, long Rows, int Parts, long Bytes);
