namespace Portal.Web.Api;

using Portal.Core.Connections;
using Portal.Infrastructure.Buckets;
using Portal.Infrastructure.Connections;
using Portal.Web.Hosting;

/// <summary>
/// A connection's bucket, read with the connection's credentials and never above its prefix (anything
/// outside is a 404, like another customer's connection). Read-only, so customers may use all of it.
/// </summary>
internal static class BucketsApi
{
    public static RouteGroupBuilder MapBucketsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/connections/{id:guid}").WithTags("Buckets").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (BucketException e)
            {
                return TypedResults.Problem(title: "The bucket could not be read", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
            }
            catch (Portal.Infrastructure.S3.ExternalIdNotEnforcedException e)
            {
                return TypedResults.Problem(title: "The connection's role does not require its ExternalId", detail: e.Message, statusCode: StatusCodes.Status409Conflict);
            }
        });

        group.MapGet("/objects", (Guid id, string? prefix, string? continuationToken, ConnectionService connections, BucketBrowser browser, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => ListingDto.From(await browser.ListAsync(c, prefix, continuationToken, ct)), ct));

        group.MapGet("/objects/details", (Guid id, string? key, ConnectionService connections, BucketBrowser browser, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => ObjectDetailsDto.From(await browser.DetailsAsync(c, key ?? "", ct)), ct));

        group.MapGet("/objects/preview", (Guid id, string? key, ConnectionService connections, ObjectPreviewer previewer, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => PreviewDto.From(await previewer.PreviewAsync(c, key ?? "", ct)), ct)).RequireRateLimiting(RateLimits.Preview);

        group.MapGet("/objects/download", (Guid id, string? key, ConnectionService connections, ObjectDownloads downloads, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c =>
            {
                var link = await downloads.LinkAsync(c, key ?? "", ct);
                return new DownloadDto(link.Url, link.ExpiresAt);
            }, ct)).RequireRateLimiting(RateLimits.Download);

        group.MapGet("/receipt", (Guid id, string? prefix, ConnectionService connections, ReceiptReader receipts, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => ReceiptDto.From(await receipts.ReadAsync(c, prefix, ct)), ct));

        group.MapPost("/receipt/verify", (Guid id, string? prefix, bool? sha256, ConnectionService connections, ReceiptVerifier verifier, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => VerificationDto.From(await verifier.VerifyAsync(c, prefix, sha256 ?? false, null, ct)), ct)).RequireRateLimiting(RateLimits.Verify);

        // A run manifest checked like a receipt: each listed file by key and size, and sha256 on request.
        group.MapPost("/manifest/verify", (Guid id, string? key, bool? sha256, ConnectionService connections, ManifestVerifier verifier, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => VerificationDto.From(await verifier.VerifyAsync(c, key, sha256 ?? false, ct)), ct)).RequireRateLimiting(RateLimits.Verify);

        group.MapGet("/artifacts", (Guid id, ConnectionService connections, ArtifactBrowser artifacts, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c =>
            {
                var schedules = (await artifacts.SchedulesAsync(c, ct)).Select(s => new ArtifactScheduleDto(s.Name, s.Root, s.Pointer, s.Problem, s.Months)).ToList();
                return new ListResponse<ArtifactScheduleDto>(schedules, schedules.Count);
            }, ct));

        group.MapGet("/artifacts/{schedule}/archive", (Guid id, string schedule, string? month, ConnectionService connections, ArtifactBrowser artifacts, CancellationToken ct) =>
            WithConnectionAsync(id, connections, async c => await artifacts.MonthAsync(c, schedule, month ?? "", ct), ct));
        return api;
    }

    // The connection comes through the tenant filter: another customer's is a 404, exactly like a missing one.
    private static async Task<IResult> WithConnectionAsync<T>(Guid id, ConnectionService connections, Func<Connection, Task<T>> action, CancellationToken ct) =>
        await connections.FindAsync(id, ct) is { } connection ? TypedResults.Ok(await action(connection)) : TypedResults.NotFound();
}
