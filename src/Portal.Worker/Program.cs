using Portal.Infrastructure;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;

// A worker node of a scale-out: no UI, only the Quartz workers, on the shared PostgreSQL database.
var builder = Host.CreateApplicationBuilder(args);
builder.AddPortalInfrastructure();
builder.AddPortalWorkers();

var host = builder.Build();
await host.Services.MigratePortalDatabaseAsync();
await host.RunAsync();
