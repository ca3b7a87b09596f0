using Portal.Infrastructure;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Telemetry;

// A worker node of a scale-out: no UI, only the Quartz workers, on the shared PostgreSQL database. It answers
// /health/live, /health/ready and /metrics on Portal:Worker:HealthUrls (loopback by default) and nothing else.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls((builder.Configuration["Portal:Worker:HealthUrls"] ?? "http://127.0.0.1:5081").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
builder.AddPortalInfrastructure();
builder.AddPortalWorkers();
builder.Services.AddPortalHealth(runsWorkers: true);
builder.AddPortalTelemetry("portal-worker");

var app = builder.Build();
await app.Services.MigratePortalDatabaseAsync();
app.MapPortalHealth();
app.MapPortalMetrics();
await app.RunAsync();
