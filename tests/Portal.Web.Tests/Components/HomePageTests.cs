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
}
