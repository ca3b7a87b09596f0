namespace Portal.Infrastructure.Telemetry;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

/// <summary>Settings of metrics and traces (<c>Portal:Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Portal:Telemetry";

    /// <summary><c>Prometheus</c> (scraped at <c>/metrics</c>), <c>Otlp</c> (pushed to <see cref="OtlpEndpoint"/>), or <c>Off</c>.</summary>
    public string Metrics { get; set; } = "Prometheus";

    /// <summary><c>Otlp</c> exports a trace per run (spans per stream and part upload) to <see cref="OtlpEndpoint"/>; <c>Off</c> by default.</summary>
    public string Traces { get; set; } = "Off";

    /// <summary>The OTLP collector, e.g. <c>http://127.0.0.1:4317</c>; empty means the exporter's default (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public string? OtlpEndpoint { get; set; }
}

/// <summary>OpenTelemetry for every node: the portal's meter and run traces, ASP.NET Core and HTTP client instrumentation.</summary>
public static class TelemetryRegistration
{
    public static IHostApplicationBuilder AddPortalTelemetry(this IHostApplicationBuilder builder, string service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<RunQueueSampler>();
        // Console lines show their scopes (a run's id, connection and node). Said in code: with OpenTelemetry's hosting
        // registered, IncludeScopes from appsettings alone no longer reaches the console formatter.
        if (string.Equals(builder.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase))
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        else if (!string.Equals(builder.Configuration["Logging:Console:FormatterName"], "systemd", StringComparison.OrdinalIgnoreCase))
            builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        var metrics = Mode(options.Metrics);
        var traces = Mode(options.Traces);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service, serviceInstanceId: Runs.RunLifecycle.Node));
        if (metrics != "off")
        {
            otel.WithMetrics(m =>
            {
                m.AddMeter(PortalMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (metrics == "otlp") m.AddOtlpExporter(o => Endpoint(o, options));
                else m.AddPrometheusExporter();
            });
        }
        if (traces == "otlp")
        {
            otel.WithTracing(t => t.AddSource(PortalTracing.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                .AddOtlpExporter(o => Endpoint(o, options)));
        }
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> when metrics are exported for Prometheus.</summary>
    public static IEndpointRouteBuilder MapPortalMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<TelemetryOptions>();
        if (Mode(options.Metrics) == "prometheus") endpoints.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    private static string Mode(string? value) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "off" or "none" or "false" => "off",
        "otlp" => "otlp",
        "" or "prometheus" => "prometheus",
        var other => throw new InvalidOperationException($"Portal:Telemetry: '{other}' is not a mode; use Prometheus, Otlp or Off."),
    };

    private static void Endpoint(OpenTelemetry.Exporter.OtlpExporterOptions o, TelemetryOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)) o.Endpoint = new Uri(options.OtlpEndpoint);
    }
}
