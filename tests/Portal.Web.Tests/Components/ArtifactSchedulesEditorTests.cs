namespace Portal.Web.Tests.Components;

using Bunit;
using MudBlazor;
using Portal.Web.Components.Pages.Connections;

public sealed class ArtifactSchedulesEditorTests : MudComponentTest
{
    public ArtifactSchedulesEditorTests() => Render<MudPopoverProvider>();

    [Fact]
    public void ArtifactSchedulesEditor_AddingAScheduleAndACommand_ShouldAddRowsToTheModel()
    {
        var schedules = new List<ScheduleRow>();
        var cut = Render<ArtifactSchedulesEditor>(p => p.Add(e => e.Schedules, schedules));

        cut.Find("[data-testid=add-schedule]").Click();
        cut.FindAll("button").First(b => b.TextContent.Contains("Add command", StringComparison.Ordinal)).Click();

        Assert.Single(schedules);
        Assert.Equal(2, schedules[0].Commands.Count);
        Assert.Equal(2, cut.FindAll("[data-testid=command-row]").Count);
        Assert.Equal("0 3 * * *", schedules[0].Cron);
    }

    [Fact]
    public void ArtifactSchedulesEditor_WithFieldErrors_ShouldShowThemAtTheirFields()
    {
        var schedules = new List<ScheduleRow> { new() { Name = "daily", Commands = [new() { Id = 1, Command = "dbt run", Folder = "/etc" }] } };
        var errors = new Dictionary<string, string[]> { ["schedules[0].commands[0].folder"] = ["The folder /etc is outside the root."] };

        var cut = Render<ArtifactSchedulesEditor>(p => p.Add(e => e.Schedules, schedules).Add(e => e.Errors, errors));

        Assert.Contains("The folder /etc is outside the root.", cut.Find("[data-testid=command-row]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionForm_ForAnArtifactSync_ShouldSendSchedulesAndNoStreams()
    {
        var form = new ConnectionForm { Kind = Portal.Core.Connections.DeliveryKind.ArtifactSync, Streams = [new() { Name = "x", Table = "y" }] };
        form.Schedules.Add(new ScheduleRow { Name = "daily_general", Commands = [new() { Id = 47532, Command = "dbt run", Folder = "run" }] });

        var input = form.ToInput();

        Assert.Empty(input.Streams!);
        Assert.Null(input.Schedule);
        var schedule = Assert.Single(input.Schedules!);
        Assert.Equal(("daily_general", 47532L, "run"), (schedule.Name, schedule.Commands![0].Id!.Value, schedule.Commands[0].Folder));
    }
}
