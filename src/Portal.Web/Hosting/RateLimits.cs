namespace Portal.Web.Hosting;

using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>
/// ASP.NET Core rate limiting on what costs the portal or a customer's bucket: sign-in (per address, the posts
/// only), key previews, connection tests, receipt verifies and download links (per user). Over a limit: 429
/// with Retry-After.
/// </summary>
public static class RateLimits
{
    /// <summary>Permits a minute (<c>Portal:RateLimits</c>).</summary>
    public sealed class Settings
    {
        public const string Section = "Portal:RateLimits";

        public int SignInPerAddress { get; set; } = 10;
        public int PreviewsPerUser { get; set; } = 60;
        public int ConnectionTestsPerUser { get; set; } = 6;
        public int VerifiesPerUser { get; set; } = 10;
        public int DownloadLinksPerUser { get; set; } = 120;
    }

    public const string SignIn = "sign-in";
    public const string Preview = "preview";
    public const string ConnectionTest = "connection-test";
    public const string Verify = "verify";
    public const string Download = "download";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Settings>().Bind(configuration.GetSection(Settings.Section));
        return services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (context, ct) =>
        {
            var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await context.HttpContext.Response.WriteAsJsonAsync(new
            {
                title = "Too many requests", status = 429, detail = $"Try again in {Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))} s.",
            }, ct);
        };
        // Sign-in: ten attempts a minute from one address; showing the page is free.
        o.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => Window(Of(context).SignInPerAddress, TimeSpan.FromMinutes(1)))
            : RateLimitPartition.GetNoLimiter("page"));
        o.AddPolicy(Preview, context => PerUser(context, Of(context).PreviewsPerUser));
        o.AddPolicy(ConnectionTest, context => PerUser(context, Of(context).ConnectionTestsPerUser));
        o.AddPolicy(Verify, context => PerUser(context, Of(context).VerifiesPerUser));
        o.AddPolicy(Download, context => PerUser(context, Of(context).DownloadLinksPerUser));
    });
    }

    private static Settings Of(HttpContext context) => context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Settings>>().Value;

    private static RateLimitPartition<string> PerUser(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "ip:" + context.Connection.RemoteIpAddress,
            _ => Window(perMinute, TimeSpan.FromMinutes(1)));

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };
}
