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

        api.MapGet("/runs/{id:long}", async Task<IResult> (long id, IDbContextFactory<PortalDbContext> contexts, CancellationToken ct) =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var run = await db.Runs.AsNoTracking().Include(r => r.Streams).FirstOrDefaultAsync(r => r.Id == id, ct);
            return run is null ? TypedResults.NotFound() : TypedResults.Ok(RunDto.From(run));
        }).WithTags("Runs");
        return api;
    }
}

public sealed record RunCreatedDto(long Id);

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
