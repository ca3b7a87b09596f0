namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Access;
using Portal.Web.Auth;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Infrastructure.Runs;
using Portal.Web.Components.Pages.Runs;
using Portal.Web.Components.Runs;

/// <summary>The run page's resume and schema-change parts, against a real SQLite file.</summary>
public sealed class RunDetailPageTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly Customer _acme = new() { Name = "Acme" };

    public RunDetailPageTests()
    {
        Services.AddRunServices(_db);
        AddAuthorization().SetAuthorized("operator").SetPolicies(Policies.Staff, Policies.Operate);
        Render<MudPopoverProvider>();
    }

    protected override void OnDisposed() => _db.Dispose();

    private long Seed(DeliveryKind kind, RunStatus status, string? dumpFolder = null, long? resumeOf = null, params RunEvent[] events)
    {
        using var db = _db.CreateSystemContext();
        if (!db.Customers.Any()) db.Customers.Add(_acme);
        var connection = new Connection { CustomerId = _acme.Id, Name = "c-" + Guid.NewGuid().ToString("N")[..6], Kind = kind, Bucket = "acme", Region = "eu-west-1", ExternalId = "ext" };
        db.Connections.Add(connection);
        var run = new Run
        {
            ConnectionId = connection.Id, CustomerId = _acme.Id, Kind = kind, Status = status, Trigger = resumeOf is null ? RunTrigger.Manual : RunTrigger.Resume,
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-2), FinishedAt = DateTimeOffset.UtcNow.AddMinutes(-1), DumpFolder = dumpFolder, ResumeOfId = resumeOf,
            Error = status == RunStatus.Failed ? "The source has no table 't7'." : null, ErrorStep = status == RunStatus.Failed ? "stream t7: reading the columns of t7" : null,
        };
        db.Runs.Add(run);
        db.SaveChanges();
        foreach (var e in events) e.RunId = run.Id;
        db.RunEvents.AddRange(events);
        db.SaveChanges();
        return run.Id;
    }

    [Fact]
    public void A_failed_dump_that_chose_its_folder_offers_resume_and_explains_it_beside_rerun()
    {
        var id = Seed(DeliveryKind.Dump, RunStatus.Failed, "2026-12-02T06:46");
        var cut = Render<RunDetailPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=resume]")));
        Assert.NotNull(cut.Find("[data-testid=rerun]"));
        var explained = cut.Find("[data-testid=resume-or-rerun]").TextContent;
        Assert.Contains("2026-12-02T06:46/", explained, StringComparison.Ordinal);
        Assert.Contains("only the tables that have no complete set of files", explained, StringComparison.Ordinal);
        Assert.Contains("whole new dump", explained, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DeliveryKind.Dump, RunStatus.Failed, null)] // failed before it chose a folder: nothing to resume
    [InlineData(DeliveryKind.Dump, RunStatus.Succeeded, "2026-12-02T06:46")]
    [InlineData(DeliveryKind.StreamExport, RunStatus.Failed, "2026-12-02T06:46")]
    public void Resume_is_offered_only_for_a_failed_dump_with_a_folder(DeliveryKind kind, RunStatus status, string? folder)
    {
        var cut = Render<RunDetailPage>(p => p.Add(x => x.Id, Seed(kind, status, folder)));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=run-summary]")));
        Assert.Empty(cut.FindAll("[data-testid=resume]"));
        Assert.Empty(cut.FindAll("[data-testid=resume-or-rerun]"));
    }

    [Fact]
    public void A_resume_names_the_dump_it_completes_and_its_kept_tables_read_as_done()
    {
        var failed = Seed(DeliveryKind.Dump, RunStatus.Failed, "2026-12-02T06:46");
        var resume = Seed(DeliveryKind.Dump, RunStatus.Succeeded, "2026-12-02T06:46", failed,
            new RunEvent { At = DateTimeOffset.UtcNow, Kind = "TableKept", Stream = "t1", Message = "Complete in the folder already: 410 rows in 3 files, kept as they are." });
        var cut = Render<RunDetailPage>(p => p.Add(x => x.Id, resume));

        cut.WaitForAssertion(() => Assert.Contains($"run {failed}", cut.Find("[data-testid=resume-of]").TextContent, StringComparison.Ordinal));
        Assert.Contains("kept as they are", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_changes_show_one_line_per_stream_and_say_whether_the_run_failed_for_them()
    {
        var at = DateTimeOffset.UtcNow;
        var id = Seed(DeliveryKind.StreamExport, RunStatus.Succeeded, null, null,
            new RunEvent { At = at, Kind = "SchemaChanged", Stream = "orders", Message = "Column note added (text); column amount removed (was real)." },
            new RunEvent { At = at, Kind = "SchemaChanged", Stream = "users", Message = "Column age changed from integer to text." });
        var cut = Render<RunDetailPage>(p => p.Add(x => x.Id, id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=schema-change]").Count));
        var alert = cut.Find("[data-testid=schema-changes]").TextContent;
        Assert.Contains("orders: Column note added (text); column amount removed (was real).", alert, StringComparison.Ordinal);
        Assert.Contains("delivered with the new columns", alert, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resume_confirmation_states_what_is_written_and_kept_and_encodes_names()
    {
        var text = ResumeDumpButton.Describe(new DumpResumes.Plan(9, "portal/2026-12-02T06:46", [
            new DumpResumes.PlanTable("t1", true, 1234, 3), new DumpResumes.PlanTable("<b>t7</b>", false, 0, 0)]));

        Assert.Contains("<b>Written (1):</b> &lt;b&gt;t7&lt;/b&gt;", text, StringComparison.Ordinal);
        Assert.Contains("<b>Kept as they are (1):</b> t1 (1,234 rows, 3 files)", text, StringComparison.Ordinal);
        Assert.Contains("receipt.json", text, StringComparison.Ordinal);
        Assert.Contains("Every table is complete", ResumeDumpButton.Describe(new DumpResumes.Plan(9, "f", [new DumpResumes.PlanTable("t1", true, 1, 1)])), StringComparison.Ordinal);
    }
}
