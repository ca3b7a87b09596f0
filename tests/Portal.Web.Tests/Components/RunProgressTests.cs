namespace Portal.Web.Tests.Components;

using Bunit;
using Portal.Core.Runs;
using Portal.Web.Components.Shared;
using static Portal.Web.Components.Shared.RunProgress;

public sealed class RunProgressTests : MudComponentTest
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(-2);

    private IRenderedComponent<RunProgress> Show(RunStream stream, RunStatus run) =>
        Render<RunProgress>(p => p.Add(x => x.Stream, stream).Add(x => x.RunStatus, run));

    [Fact]
    public void RunProgress_AStreamNotStartedYet_ShouldWaitWithAnEmptyBar()
    {
        var cut = Show(new RunStream { Name = "invoices" }, RunStatus.Running);

        Assert.Equal("Waiting", cut.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        Assert.Equal("waiting", cut.Find("[data-testid=run-progress-text]").TextContent);
        Assert.Equal(0, PercentOf(new RunStream { Name = "invoices" }, RunStatus.Running));
    }

    [Fact]
    public void RunProgress_ARunningStreamWithoutATotal_ShouldMoveWithItsCounts()
    {
        var stream = new RunStream { Name = "invoices", Rows = 12_345, Parts = 2, Bytes = 3 * 1024 * 1024, StartedAt = Start };

        var cut = Show(stream, RunStatus.Running);

        Assert.Equal("Running", cut.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        Assert.Null(PercentOf(stream, RunStatus.Running));
        Assert.NotNull(cut.Find(".mud-progress-linear").ClassList.FirstOrDefault(c => c.Contains("indeterminate", StringComparison.Ordinal)));
        Assert.Contains("12,345 rows · 2 files · 3 MiB", cut.Find("[data-testid=run-progress-text]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void RunProgress_ARunningStreamWithATotal_ShouldFillByItsShare()
    {
        var stream = new RunStream { Name = "tracks", Rows = 250, Total = 1000, StartedAt = Start };

        var cut = Show(stream, RunStatus.Running);

        Assert.Equal(25, PercentOf(stream, RunStatus.Running));
        Assert.DoesNotContain(cut.Find(".mud-progress-linear").ClassList, c => c.Contains("indeterminate", StringComparison.Ordinal));
    }

    [Fact]
    public void RunProgress_AFinishedStream_ShouldBeFullAndGreen()
    {
        var stream = new RunStream { Name = "tracks", Rows = 3503, Parts = 1, StartedAt = Start, FinishedAt = Start.AddSeconds(3) };

        var cut = Show(stream, RunStatus.Running);

        Assert.Equal("Done", cut.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        Assert.Equal(100, PercentOf(stream, RunStatus.Running));
        Assert.Contains(cut.Find(".mud-progress-linear").ClassList, c => c.Contains("success", StringComparison.Ordinal));
        Assert.Contains("3 s", cut.Find("[data-testid=run-progress-text]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void RunProgress_AStreamOfARunThatStopped_ShouldShowItStopped(RunStatus status)
    {
        var stream = new RunStream { Name = "tracks", Rows = 10, StartedAt = Start };

        var cut = Show(stream, status);

        Assert.Equal("Stopped", cut.Find("[data-testid=run-progress]").GetAttribute("data-state"));
        Assert.Contains("stopped", cut.Find("[data-testid=run-progress-text]").TextContent, StringComparison.Ordinal);
        Assert.Contains(cut.Find(".mud-progress-linear").ClassList, c => c.Contains("error", StringComparison.Ordinal));
    }

    [Fact]
    public void RunProgress_AStreamOfASucceededRun_IsDoneEvenWithoutItsOwnEndTime()
    {
        Assert.Equal(ProgressState.Done, StateOf(new RunStream { Name = "x" }, RunStatus.Succeeded));
    }
}
