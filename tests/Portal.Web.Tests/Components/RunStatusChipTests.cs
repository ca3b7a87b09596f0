namespace Portal.Web.Tests.Components;

using Bunit;
using MudBlazor;
using Portal.Core.Runs;
using Portal.Web.Components.Shared;

public sealed class RunStatusChipTests : MudComponentTest
{
    [Theory]
    [InlineData(RunStatus.Succeeded, "mud-chip-color-success")]
    [InlineData(RunStatus.Failed, "mud-chip-color-error")]
    [InlineData(RunStatus.Running, "mud-chip-color-info")]
    [InlineData(RunStatus.Cancelled, "mud-chip-color-warning")]
    public void RunStatusChip_ShouldColourEachStatus(RunStatus status, string cssClass)
    {
        var cut = Render<RunStatusChip>(p => p.Add(c => c.Status, status));

        var chip = cut.Find(".mud-chip");
        Assert.Contains(cssClass, chip.ClassName, StringComparison.Ordinal);
        Assert.Equal(status.ToString(), chip.TextContent.Trim());
    }

    [Fact]
    public void RunStatusChip_Queued_ShouldUseTheDefaultColour() =>
        Assert.Equal(Color.Default, RunStatusChip.ColorOf(RunStatus.Queued));
}
