namespace Portal.Web.Api;

using System.Security.Claims;
using Portal.Core.Access;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Setup;
using Portal.Web.Auth;
using Portal.Web.Hosting;

internal static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/connections").WithTags("Connections");

        group.MapGet("/", async (Guid? customerId, ConnectionService connections, CancellationToken ct) =>
        {
            var list = await connections.ListAsync(customerId, ct);
            return TypedResults.Ok(new ListResponse<ConnectionDto>(list.Select(ConnectionDto.From).ToList(), list.Count));
        });

        group.MapGet("/{id:guid}", async Task<IResult> (Guid id, ConnectionService connections, CancellationToken ct) =>
            await connections.FindAsync(id, ct) is { } c ? TypedResults.Ok(ConnectionDto.From(c)) : TypedResults.NotFound());

        group.MapPost("/", async (ConnectionInput input, ClaimsPrincipal user, ConnectionWriter writer, ConnectionService connections, CancellationToken ct) =>
        {
            var created = await writer.CreateAsync(input, IsAdmin(user), ct);
            var saved = await connections.FindAsync(created.Id, ct);
            return TypedResults.Created($"/api/v1/connections/{created.Id}", ConnectionDto.From(saved!));
        }).RequireAuthorization(Policies.Configure);

        group.MapPut("/{id:guid}", async (Guid id, ConnectionInput input, ClaimsPrincipal user, ConnectionWriter writer, ConnectionService connections, CancellationToken ct) =>
        {
            await writer.UpdateAsync(id, input, IsAdmin(user), ct);
            return TypedResults.Ok(ConnectionDto.From((await connections.FindAsync(id, ct))!));
        }).RequireAuthorization(Policies.Configure);

        group.MapDelete("/{id:guid}", async Task<IResult> (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            await writer.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).RequireAuthorization(Policies.Configure);

        // A stream's mark set to a value or back to its start, previewed first with dryRun; operators and customer success.
        group.MapPost("/{id:guid}/streams/{stream}/mark", async Task<IResult> (Guid id, string stream, MarkRequest request, StreamMarks marks, CancellationToken ct) =>
        {
            try
            {
                return await marks.SetAsync(id, stream, request.Value, request.DryRun, ct) is { } change ? TypedResults.Ok(change) : TypedResults.NotFound();
            }
            catch (MarkConflictException e)
            {
                return TypedResults.Problem(title: "The mark cannot be set now", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (Exception e) when (e is Portal.Infrastructure.Sources.CursorColumnException or IOException or System.Data.Common.DbException)
            {
                return TypedResults.Problem(title: "The source cannot be read", detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
            }
        }).RequireAuthorization(Policies.ConfigureOrOperate);

        group.MapPost("/{id:guid}/external-id", async (Guid id, ConnectionWriter writer, CancellationToken ct) =>
            TypedResults.Ok(new ExternalIdDto(await writer.RegenerateExternalIdAsync(id, ct)))).RequireAuthorization(Policies.Admin);

        group.MapGet("/{id:guid}/setup", async Task<IResult> (Guid id, ConnectionService connections, SetupGuide guide, CancellationToken ct) =>
            await connections.FindAsync(id, ct) is { } c ? TypedResults.Ok(guide.For(c)) : TypedResults.NotFound());

        group.MapPost("/{id:guid}/test", async Task<IResult> (Guid id, ConnectionService connections, ConnectionTester tester, ConnectionWriter writer, CancellationToken ct) =>
        {
            if (await connections.FindAsync(id, ct) is not { } c) return TypedResults.NotFound();
            var steps = await tester.TestAsync(c, ct);
            await writer.RecordExternalIdCheckAsync(c, steps, ct);
            return TypedResults.Ok(new TestResultDto(steps.Select(s => new TestStepDto(s.Name, s.Status, s.Message)).ToList()));
        }).RequireAuthorization(Policies.ConfigureOrOperate).RequireRateLimiting(RateLimits.ConnectionTest); // the test writes, uploads and deletes in the bucket: never a Customer's to run
        return api;
    }

    private static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.Customer);
}

/// <summary>A stream's new mark (null: back to the stream's start); with <c>dryRun</c> only the preview.</summary>
public sealed record MarkRequest(string? Value, bool DryRun);
