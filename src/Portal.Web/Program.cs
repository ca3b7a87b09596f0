using Portal.Infrastructure;
using Portal.Infrastructure.Jobs;
using Portal.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortalInfrastructure();
builder.AddPortalWeb();
builder.AddPortalWorkers(runWorkers: builder.Configuration.GetValue("Portal:RunWorkers", true));

var app = builder.Build();
await app.PreparePortalAsync();
app.UsePortal();
await app.RunAsync();

/// <summary>Entry point; public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
