namespace Portal.Web.Api;

using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Sources;
using Portal.Web.Auth;

internal static class SourcesApi
{
    public static RouteGroupBuilder MapSourcesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sources").WithTags("Sources").RequireAuthorization(Policies.Admin);

        group.MapGet("/", async (Guid? customerId, SourceService sources, CancellationToken ct) =>
        {
            var list = await sources.ListAsync(customerId, ct);
            return TypedResults.Ok(new ListResponse<SourceDto>(list.Select(ToDto).ToList(), list.Count));
        });

        // The tables a connection's streams can choose from, with their columns (name, kind, whether it can be a cursor);
        // those who set up connections may read them.
        api.MapGet("/sources/{id:guid}/tables", async Task<IResult> (Guid id, SourceService sources, CancellationToken ct) =>
        {
            try
            {
                return await sources.SchemaAsync(id, ct) is { } tables
                    ? TypedResults.Ok(new ListResponse<SourceTableDto>(tables.Select(SourceTableDto.From).ToList(), tables.Count))
                    : TypedResults.NotFound();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.Data.Common.DbException)
            {
                return TypedResults.Problem(title: "The source cannot be read", detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
            }
        }).WithTags("Sources").RequireAuthorization(Policies.Configure);

        group.MapPost("/", async (CreateSourceRequest request, SourceService sources, CancellationToken ct) =>
        {
            var source = await sources.CreateAsync(request.CustomerId, request.Name, request.Kind, request.ConnectionString, ct);
            return TypedResults.Created($"/api/v1/sources/{source.Id}", ToDto(source));
        });
        return api;
    }

    // The connection string is never returned: only a mask and its last characters.
    private static SourceDto ToDto(Source s) =>
        new(s.Id, s.CustomerId, s.Name, s.Kind == SourceKind.Postgres ? "postgres" : "sqlite", SecretMask.Dots); // never any part of a connection string (hints saved before held a password's tail)
}

/// <summary>A source table for the editor's pickers: <c>{ name, columns: [{ name, kind, type, orderable }] }</c>.</summary>
public sealed record SourceTableDto(string Name, IReadOnlyList<SourceColumnDto> Columns)
{
    public static SourceTableDto From(SourceTable t) =>
        new(t.Name, t.Columns.Select(c => new SourceColumnDto(c.Name, c.Kind.ToString().ToLowerInvariant(), c.Declared, c.Orderable)).ToList());
}

public sealed record SourceColumnDto(string Name, string Kind, string Type, bool Orderable);
