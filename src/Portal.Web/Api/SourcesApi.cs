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

        // The tables a connection's streams can choose from; those who set up connections may read them.
        api.MapGet("/sources/{id:guid}/tables", async Task<IResult> (Guid id, SourceService sources, CancellationToken ct) =>
        {
            try
            {
                return await sources.TablesAsync(id, ct) is { } tables ? TypedResults.Ok(new ListResponse<string>(tables, tables.Count)) : TypedResults.NotFound();
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
