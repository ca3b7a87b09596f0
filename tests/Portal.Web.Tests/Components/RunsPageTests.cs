namespace Portal.Web.Tests.Components;

using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Customers;
using Portal.Infrastructure.Jobs;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Portal.Web.Auth;
using Portal.Web.Components.Pages.Runs;
using Quartz;

/// <summary>The runs list against a real SQLite file: filters, status chips, the needs-attention view, tenant isolation.</summary>
public sealed class RunsPageTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly Customer _acme = new() { Name = "Acme" };
    private readonly Customer _globex = new() { Name = "Globex" };
    private readonly Dictionary<string, long> _runs = [];
    private Guid _acmeDumps;
    private Guid _globexExports;
    private readonly IRenderedComponent<MudPopoverProvider> _popovers;
    private readonly BunitAuthorizationContext _auth;

    public RunsPageTests()
    {
        Services.AddRunServices(_db);
        _auth = AddAuthorization();
        _auth.SetAuthorized("operator").SetPolicies(Policies.Staff, Policies.Operate);
        _popovers = Render<MudPopoverProvider>();
        Seed();
    }

    protected override void OnDisposed() => _db.Dispose();

    private void Seed()
    {
        using var db = _db.CreateSystemContext();
        db.Customers.AddRange(_acme, _globex);
        var acmeDumps = new Connection { CustomerId = _acme.Id, Name = "acme-dumps", Kind = DeliveryKind.Dump, Bucket = "acme", Region = "eu-west-1", ExternalId = "ext-acme" };
        var globexExports = new Connection { CustomerId = _globex.Id, Name = "globex-exports", Kind = DeliveryKind.StreamExport, Bucket = "globex", Region = "us-east-1", ExternalId = "ext-globex" };
        db.Connections.AddRange(acmeDumps, globexExports);
        db.SaveChanges();
        (_acmeDumps, _globexExports) = (acmeDumps.Id, globexExports.Id);
        Run Make(Connection c, RunStatus status, RunTrigger trigger, string? error = null, bool resolved = false) => new()
        {
            ConnectionId = c.Id, CustomerId = c.CustomerId, Kind = c.Kind, Status = status, Trigger = trigger, Error = error, Resolved = resolved,
            QueuedAt = DateTimeOffset.UtcNow.AddMinutes(-5), StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            FinishedAt = status is RunStatus.Running ? null : DateTimeOffset.UtcNow.AddMinutes(-4),
        };
        var runs = new Dictionary<string, Run>
        {
            ["acme-failed"] = Make(acmeDumps, RunStatus.Failed, RunTrigger.Schedule, "Access Denied by the bucket policy"),
            ["acme-ok"] = Make(acmeDumps, RunStatus.Succeeded, RunTrigger.Manual),
            ["globex-resolved"] = Make(globexExports, RunStatus.Failed, RunTrigger.Schedule, "The S3 server did not answer", resolved: true),
            ["globex-running"] = Make(globexExports, RunStatus.Running, RunTrigger.Rerun),
        };
        db.Runs.AddRange(runs.Values);
        db.SaveChanges();
        foreach (var (name, run) in runs) _runs[name] = run.Id;
    }

    private static List<string> Statuses(IRenderedComponent<RunsPage> cut) =>
        cut.FindAll("[data-testid=runs] tbody tr [data-testid=run-status] .mud-chip[data-status]").Select(c => c.GetAttribute("data-status")!).ToList();

    private static List<long> Ids(IRenderedComponent<RunsPage> cut) =>
        cut.FindAll("[data-testid=runs] tbody tr [data-testid=run-link]").Select(a => long.Parse(a.TextContent, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void RunsPage_ShouldListEveryRunNewestFirstWithItsStatusChipConnectionAndCustomer()
    {
        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Equal(_runs.Values.OrderDescending(), Ids(cut)));
        Assert.Equal(["Running", "Failed", "Succeeded", "Failed"], Statuses(cut));
        var first = cut.Find("[data-testid=runs] tbody tr").TextContent;
        Assert.Contains("globex-exports", first, StringComparison.Ordinal);
        Assert.Contains("Globex", first, StringComparison.Ordinal);
        Assert.Contains("Rerun", first, StringComparison.Ordinal); // the trigger column
        Assert.Single(cut.FindAll("[data-testid=runs] tbody tr")[1].QuerySelectorAll(".mud-chip"), c => c.TextContent.Trim() == "resolved");
    }

    [Fact]
    public void RunsPage_ShouldOfferRerunOnlyOnFailedRuns()
    {
        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Equal(4, Ids(cut).Count));
        var rows = cut.FindAll("[data-testid=runs] tbody tr");
        Assert.Equal([false, true, false, true], rows.Select(r => r.QuerySelector("[data-testid=rerun]") is not null));
    }

    [Fact]
    public void RunsPage_StatusFromTheUrl_ShouldFilterTheList()
    {
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/runs?status=failed");

        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Equal([_runs["globex-resolved"], _runs["acme-failed"]], Ids(cut)));
    }

    [Fact]
    public void RunsPage_ConnectionFromTheUrl_ShouldFilterTheList()
    {
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"/runs?connectionId={_acmeDumps}");

        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Equal([_runs["acme-ok"], _runs["acme-failed"]], Ids(cut)));
    }

    [Fact]
    public void RunsPage_ShouldNameTheConnectionOfARun_WhenTheConnectionWasDeleted()
    {
        using (var db = _db.CreateSystemContext())
        {
            var gone = db.Connections.Single(c => c.Id == _acmeDumps);
            gone.ArchivedAt = DateTimeOffset.UtcNow;
            db.SaveChanges();
        }

        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Contains("acme-dumps", cut.Find("tbody").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void RunsPage_NeedsAttention_ShouldHideResolvedFailuresAndEverythingElse()
    {
        var cut = Render<RunsPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, Ids(cut).Count));

        cut.Find("input[data-testid=needs-attention]").Change(true);

        cut.WaitForAssertion(() => Assert.Equal([_runs["acme-failed"]], Ids(cut)));
    }

    [Fact]
    public void RunsPage_SearchingAnErrorOrConnectionName_ShouldFilterTheList()
    {
        var cut = Render<RunsPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, Ids(cut).Count));

        cut.Find("input[data-testid=search]").Input("Access Denied");
        cut.WaitForAssertion(() => Assert.Equal([_runs["acme-failed"]], Ids(cut)), TimeSpan.FromSeconds(5));

        cut.Find("input[data-testid=search]").Input("globex-exp");
        cut.WaitForAssertion(() => Assert.Equal([_runs["globex-running"], _runs["globex-resolved"]], Ids(cut)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void RunsPage_PickingAKindAndATrigger_ShouldFilterTheList()
    {
        var cut = Render<RunsPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, Ids(cut).Count));

        Pick(cut, "kind-filter", "StreamExport");
        cut.WaitForAssertion(() => Assert.Equal([_runs["globex-running"], _runs["globex-resolved"]], Ids(cut)));

        Pick(cut, "trigger-filter", "Schedule");
        cut.WaitForAssertion(() => Assert.Equal([_runs["globex-resolved"]], Ids(cut)));
    }

    [Fact]
    public void RunsPage_ForACustomer_ShouldListOnlyTheirOwnRunsAndNoCustomerFilter()
    {
        _db.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, Roles.Customer), new Claim(PortalClaims.CustomerId, _acme.Id.ToString()), new Claim(ClaimTypes.Name, "acme-user")], "test"));
        _auth.SetAuthorized("acme-user");
        _auth.SetPolicies();

        var cut = Render<RunsPage>();

        cut.WaitForAssertion(() => Assert.Equal([_runs["acme-ok"], _runs["acme-failed"]], Ids(cut)));
        Assert.Empty(cut.FindAll("input[data-testid=customer-filter]"));
        Assert.NotEmpty(cut.FindAll("input[data-testid=connection-filter]"));
        Assert.Empty(cut.FindAll("[data-testid=rerun]"));
        Assert.Empty(cut.FindAll("[data-testid=rerun-all]"));
    }

    private void Pick(IRenderedComponent<RunsPage> cut, string filter, string item)
    {
        // MudSelect puts the test id on its input and opens on a mouse-down on the control around it.
        cut.Find($"input[data-testid={filter}]").Closest(".mud-input-control")!.MouseDown();
        _popovers.WaitForAssertion(() => Assert.Contains(_popovers.FindAll(".mud-list-item"), li => li.TextContent.Trim() == item));
        _popovers.FindAll(".mud-list-item").First(li => li.TextContent.Trim() == item).Click();
    }
}
