namespace Portal.Web.Api;

using Portal.Core.KeyTemplates;
using Portal.Infrastructure.KeyTemplates;
using Portal.Web.Hosting;

internal static class KeyTemplatesApi
{
    public static RouteGroupBuilder MapKeyTemplatesApi(this RouteGroupBuilder api)
    {
        // Any signed-in role; a Customer only for their own connection (404 otherwise).
        api.MapPost("/key-templates/preview", async Task<IResult> (KeyPreviewInput request, KeyPreviewService previews, CancellationToken ct) =>
        {
            var result = await previews.PreviewAsync(request, ct);
            return result is null ? TypedResults.NotFound() : TypedResults.Ok(KeyPreviewResponse.From(result));
        }).WithTags("Key templates").RequireRateLimiting(RateLimits.Preview);
        return api;
    }
}

public sealed record KeyPreviewResponse(IReadOnlyList<KeyPreviewKey> Keys, IReadOnlyList<KeyPreviewFinding> Errors, IReadOnlyList<KeyPreviewFinding> Warnings)
{
    public static KeyPreviewResponse From(PreviewResult result) => new(
        result.Keys.Select(k => new KeyPreviewKey(k.Stream, k.Part, k.Key)).ToList(),
        result.Errors.Select(KeyPreviewFinding.From).ToList(),
        result.Warnings.Select(KeyPreviewFinding.From).ToList());
}

public sealed record KeyPreviewKey(string Stream, int Part, string Key);

public sealed record KeyPreviewFinding(string Code, string Message, int Position, int Length)
{
    public static KeyPreviewFinding From(KeyDiagnostic d) => new(d.Code, d.Message, d.Position, d.Length);
}
