namespace Portal.Web.Hosting;

using Portal.Infrastructure.Health;
using Portal.Infrastructure.Seeding;
using Portal.Infrastructure.Telemetry;
using Portal.Web.Api;
using Portal.Web.Auth;
using Portal.Web.Components;
using Scalar.AspNetCore;

internal static class WebPipeline
{
    public static Task PreparePortalAsync(this WebApplication app) =>
        PortalStartup.PrepareAsync(app.Services, app.Configuration, app.Environment.ContentRootPath, app.Lifetime.ApplicationStopping);

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // API callers get problem details; people get the error page.
        app.UseWhen(IsApi, api => api.UseExceptionHandler());
        app.UseWhen(c => !IsApi(c), ui => ui.UseExceptionHandler("/error", createScopeForErrors: true));
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        // Empty 4xx/5xx API answers (405, 415, ...) still get a problem-details body.
        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication: limits are per user.
        app.UseRateLimiter();
        // After authentication: tokens are bound to the signed-in user.
        app.UseAntiforgery();

        app.MapStaticAssets();
        // For load balancers, orchestrators and Prometheus: anonymous, and nothing in them names a customer.
        app.MapPortalHealth();
        app.MapPortalMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        // The OpenAPI document rendered for people (Scalar), for staff only.
        app.MapScalarApiReference(ApiDocsPath, o => o.WithTitle("Portal API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts())
            .RequireAuthorization(Auth.Policies.Staff);
        app.MapAccountEndpoints();
        app.MapPortalApi();
        // Our own policy says frame-ancestors (and the rest): Blazor does not add a second one.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    public const string ApiDocsPath = "/api/docs";

    // The API docs page is a page for people: it gets the sign-in redirect and the error page, not problem details.
    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments(ApiDocsPath);
}
