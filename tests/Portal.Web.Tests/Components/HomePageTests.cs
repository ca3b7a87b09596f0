namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Web.Auth;
using Portal.Web.Components.Pages;

/// <summary>Home says when another process runs the workers on the same SQLite file.</summary>
public sealed class HomePageTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"portal-home-{Guid.NewGuid():N}.db");

    public HomePageTests()
    {
        Services.AddRunServices(_db);
        AddAuthorization().SetAuthorized("operator").SetPolicies(Policies.Staff, Policies.Operate);
    }

    protected override void OnDisposed()
    {
        _db.Dispose();
        File.Delete(_file + ".workers.lock");
    }

    private WorkerLease Lease() => new(
        new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Portal", $"Data Source={_file}")]).Build(),
        Options.Create(new DatabaseOptions()), NullLogger<WorkerLease>.Instance);

    [Fact]
    public void Home_ShouldSayThatAnotherProcessRunsTheWorkers_WhenItHoldsTheLease()
    {
        using var other = Lease();
        Assert.True(other.Holds);
        using var mine = Lease();
        Assert.False(mine.Holds);
        Services.AddSingleton(mine);

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("Another portal process runs the workers", page.Find("[data-testid=workers-elsewhere]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Home_ShouldSayNothingOfWorkers_WhenThisProcessHoldsTheLease()
    {
        using var mine = Lease();
        Assert.True(mine.Holds);
        Services.AddSingleton(mine);

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("Home", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=workers-elsewhere]"));
    }

    private (Guid Acme, Guid Globex) Seed()
    {
        using var db = _db.CreateSystemContext();
        var acme = new Portal.Core.Customers.Customer { Name = "Acme" };
        var globex = new Portal.Core.Customers.Customer { Name = "Globex" };
        db.Customers.AddRange(acme, globex);
        var acmeDumps = new Portal.Core.Connections.Connection { CustomerId = acme.Id, Name = "acme-dumps", Kind = Portal.Core.Connections.DeliveryKind.Dump, Bucket = "acme", Region = "eu-west-1", ExternalId = "a", Schedule = "0 3 * * *" };
        var globexExports = new Portal.Core.Connections.Connection { CustomerId = globex.Id, Name = "globex-exports", Kind = Portal.Core.Connections.DeliveryKind.StreamExport, Bucket = "globex", Region = "eu-west-1", ExternalId = "g", Schedule = "30 4 * * *" };
        db.Connections.AddRange(acmeDumps, globexExports);
        var now = DateTimeOffset.UtcNow;
        foreach (var (c, status, daysAgo, bytes) in new[]
        {
            (acmeDumps, Portal.Core.Runs.RunStatus.Succeeded, 3, 2048L), (acmeDumps, Portal.Core.Runs.RunStatus.Failed, 0, 0L),
            (globexExports, Portal.Core.Runs.RunStatus.Failed, 1, 0L), (globexExports, Portal.Core.Runs.RunStatus.Succeeded, 40, 99L),
        })
        {
            db.Runs.Add(new Portal.Core.Runs.Run
            {
                ConnectionId = c.Id, CustomerId = c.CustomerId, Kind = c.Kind, Status = status, Trigger = Portal.Core.Runs.RunTrigger.Schedule, Bytes = bytes,
                QueuedAt = now.AddDays(-daysAgo), StartedAt = now.AddDays(-daysAgo), FinishedAt = now.AddDays(-daysAgo).AddSeconds(5),
                Error = status == Portal.Core.Runs.RunStatus.Failed ? $"{c.Name} failed: the bucket does not exist" : null,
            });
        }
        db.SaveChanges();
        return (acme.Id, globex.Id);
    }

    [Fact]
    public void Home_ShouldShowFailuresToRerun_TheNextRuns_TheLast30Days_AndTheWorkers()
    {
        Seed();
        using var mine = Lease();
        Assert.True(mine.Holds); // this process runs the workers
        Services.AddSingleton(mine);

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=attention-run]").Count));
        Assert.Equal(2, page.FindAll("[data-testid=attention-rerun]").Count);
        // The next run of each connection, soonest first: 03:00 before 04:30 (whichever day comes first).
        var next = page.FindAll("[data-testid=next-scheduled-run]").Select(r => r.TextContent).ToList();
        Assert.Equal(2, next.Count);
        Assert.Single(next, t => t.Contains("acme-dumps", StringComparison.Ordinal));
        Assert.Single(next, t => t.Contains("globex-exports", StringComparison.Ordinal));
        // 30 days, the run of 40 days ago left out.
        Assert.Equal("30", page.Find("[data-testid=daily-charts]").GetAttribute("data-days"));
        Assert.Equal("3", page.Find("[data-testid=daily-charts]").GetAttribute("data-runs"));
        Assert.Equal("Alive", page.Find("[data-testid=worker]").GetAttribute("data-state"));
        Assert.Contains("0 queued, 0 running", page.Find("[data-testid=queue-numbers]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Home_ForACustomer_ShouldShowOnlyTheirOwnConnections_AndNoWorkers()
    {
        var (acme, _) = Seed();
        using var mine = Lease();
        Services.AddSingleton(mine);
        _db.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Role, "Customer"), new(Portal.Core.Access.PortalClaims.CustomerId, acme.ToString())], "test"));
        AddAuthorization().SetAuthorized("customer").SetRoles("Customer").SetPolicies();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=attention-run]")));
        Assert.Contains("acme-dumps", page.Find("[data-testid=attention]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("globex", page.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(page.FindAll("[data-testid=attention-rerun]"));
        Assert.Empty(page.FindAll("[data-testid=workers]"));
        Assert.Empty(page.FindAll("[data-testid=queue]"));
    }

    [Fact]
    public void Home_InAProcessThatRunsNoWorkers_ShouldSaySo_AndNeverTakeTheLease()
    {
        Seed();
        using var mine = Lease(); // never asked to hold it: this process runs no workers
        Services.AddSingleton(mine);

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("No worker is running", page.Find("[data-testid=workers]").TextContent, StringComparison.Ordinal));
        using var worker = Lease();
        Assert.True(worker.Holds); // a worker process started later still gets it
    }
}
