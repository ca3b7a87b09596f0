namespace Portal.Web.Hosting;

using Microsoft.AspNetCore.Http.Features;

/// <summary>
/// Headers every answer carries, and the bound on what an API request may send. The content security policy
/// is the one Blazor Server and MudBlazor work under: scripts only from the portal itself (no inline script,
/// no eval), inline styles (MudBlazor sets style attributes), the circuit's WebSocket to the same origin, and
/// no framing.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// The API docs page (Scalar, staff only) starts itself with an inline module script of its configuration; only
    /// that page may run inline script. Nothing on it comes from users.
    /// </summary>
    public const string ApiDocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>The largest body an API request may send (1 MiB): larger ones get 413 before anything reads them.</summary>
    public const long MaxApiBodyBytes = 1024 * 1024;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(WebPipeline.ApiDocsPath) ? ApiDocsContentSecurityPolicy : ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.Request.ContentLength > MaxApiBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.Response.WriteAsJsonAsync(new
                {
                    title = "Request too large", status = 413, detail = $"An API request sends at most {MaxApiBodyBytes / 1024:N0} KiB.",
                });
                return;
            }
            // Bodies sent without a length (chunked) stop at the same size on Kestrel.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxApiBodyBytes;
        }
        await next();
    });
}
