namespace Portal.Web.Hosting;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Telemetry;
using Portal.Web.Api;
using Portal.Web.Auth;

internal static class WebRegistration
{
    public static WebApplicationBuilder AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddPortalRateLimits(builder.Configuration);
        services.AddPortalHealth(runsWorkers: builder.Configuration.GetValue("Portal:RunWorkers", true));
        builder.AddPortalTelemetry("portal-web");
        services.AddSingleton<Portal.Web.Auth.SignInThrottle>();
        services.AddHttpContextAccessor();
        services.AddOpenApi();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiProblems>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        AddAuth(builder);
        return builder;
    }

    private static void AddAuth(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        var revalidation = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.RevalidationInterval ?? TimeSpan.FromMinutes(1);

        services.AddScoped<CircuitPrincipal>();
        services.AddScoped<IPrincipalAccessor, WebPrincipalAccessor>();
        services.AddScoped<CircuitHandler, UserCircuitHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "portal.auth";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        // Cookies re-check the security stamp this often: a removed role stops working within it.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = revalidation);
        services.AddPortalIdentity().AddSignInManager().AddDefaultTokenProviders();
        services.AddAuthorization(Policies.Add);
    }
}
