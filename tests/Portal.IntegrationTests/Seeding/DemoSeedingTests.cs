namespace Portal.IntegrationTests.Seeding;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Core.Secrets;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Seeding;
using Portal.Tests.Shared;

public sealed class DemoSeedingTests
{
    [Fact]
    public async Task The_demo_creates_a_customer_with_the_chinook_source_and_one_user_per_role_once()
    {
        using var app = new PortalAppFactory();
        app.Settings["Portal:Demo:Enabled"] = "true";
        app.Settings["Portal:Demo:SourceFile"] = RepoPaths.ChinookDatabase;
        app.Settings["Portal:Demo:S3Endpoint"] = "http://127.0.0.1:9";
        app.Settings["Portal:Demo:S3AccessKey"] = "DEMOKEY";
        app.Settings["Portal:Demo:S3SecretKey"] = "demo-secret-key-0001";
        app.Settings["Portal:Demo:DbtTargetFolder"] = Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target");

        await using var scope = app.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var customer = await db.Customers.SingleAsync(c => c.Name == DemoSeeder.CustomerName);
        var source = await db.Sources.SingleAsync(s => s.CustomerId == customer.Id);
        var connection = await db.Connections.Include(c => c.Streams).SingleAsync(c => c.CustomerId == customer.Id && c.Name == DemoSeeder.ConnectionName);
        Assert.Equal(11, connection.Streams.Count); // every Chinook table
        Assert.Contains(connection.Streams, s => s is { Name: "invoiceline", Table: "InvoiceLine" });
        var secrets = scope.ServiceProvider.GetRequiredService<ISecretProtector>();

        var sourcePath = secrets.Unprotect(SecretKind.SourceConnectionString, source.ConnectionStringCipher);
        Assert.Contains(Path.Combine(app.DataDirectory, "sources", "chinook.sqlite"), sourcePath, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "sources", "chinook.sqlite")));
        Assert.Equal("demo-secret-key-0001", secrets.Unprotect(SecretKind.AccessKeySecret, connection.SecretAccessKeyCipher!));
        Assert.Equal("0001", connection.SecretAccessKeyHint);

        var roles = await (from u in db.Users
                           join ur in db.UserRoles on u.Id equals ur.UserId
                           join r in db.Roles on ur.RoleId equals r.Id
                           where u.Email!.EndsWith("@demo.local")
                           select r.Name).ToListAsync();
        Assert.Equal(Roles.All.Order(), roles.Order());
        var customerUser = await db.Users.SingleAsync(u => u.Email == "customer@demo.local");
        Assert.Equal(customer.Id, customerUser.CustomerId);

        // All three kinds of delivery, and one that fails until its bucket exists.
        var all = await db.Connections.Include(c => c.Streams).Include(c => c.Schedules).ThenInclude(s => s.Commands)
            .Where(c => c.CustomerId == customer.Id).ToDictionaryAsync(c => c.Name);
        Assert.Equal(new[] { DemoSeeder.ArtifactsName, DemoSeeder.ConnectionName, DemoSeeder.ExportName, DemoSeeder.FailingName }.Order(StringComparer.Ordinal), all.Keys.Order(StringComparer.Ordinal));
        var export = all[DemoSeeder.ExportName];
        Assert.Equal(("parquet", DemoSeeder.ExportTemplate, "InvoiceDate"), (export.Format, export.Template, export.Streams.Single().CursorColumn));
        Assert.Equal(["dbt seed", "dbt run"], all[DemoSeeder.ArtifactsName].Schedules.Single().Commands.OrderBy(c => c.Position).Select(c => c.Command));
        Assert.All(all[DemoSeeder.ArtifactsName].Schedules.Single().Commands,
            c => Assert.True(File.Exists(Path.Combine(c.Folder, "target", "manifest.json")), c.Folder));
        Assert.Equal("demo-lake", all[DemoSeeder.FailingName].Bucket);

        // A first run of each is queued at the first start, beside a week of history, so Home, Runs and Buckets are not empty.
        var first = await db.Runs.Where(r => r.CustomerId == customer.Id && r.Trigger == Portal.Core.Runs.RunTrigger.Manual).ToListAsync();
        Assert.Equal(all.Values.Select(c => c.Id).Order(), first.Select(r => r.ConnectionId).Order());
        Assert.All(first, r => Assert.Equal(Portal.Core.Runs.RunStatus.Queued, r.Status));
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        Assert.Equal(2 * 7, await db.Runs.CountAsync(r => r.CustomerId == customer.Id && r.Trigger == Portal.Core.Runs.RunTrigger.Schedule && r.FinishedAt < today));

        // A second start over the same data seeds nothing again.
        var again = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(
            new DemoOptions { Enabled = true, SourceFile = RepoPaths.ChinookDatabase }, app.DataDirectory, default);
        Assert.Empty(again);
        Assert.Equal(1, await db.Customers.CountAsync(c => c.Name == DemoSeeder.CustomerName));
    }
}
