namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Portal.Core.Artifacts;
using Portal.Infrastructure.Buckets;
using Portal.Web.Components.Buckets;

public sealed class ArchiveCalendarTests : MudComponentTest
{
    [Fact]
    public void ArchiveCalendar_ShouldPlaceEachDayUnderItsWeekdayAndLinkItsRuns()
    {
        var id = Guid.NewGuid();
        var days = new[]
        {
            new ArchiveDay(new DateOnly(2025, 4, 14), [new ArchiveRun(103, new DateTimeOffset(2025, 4, 14, 15, 0, 0, TimeSpan.Zero), "acme/bolt/run/d/2025/04/14/103_1744642800.000000/")]),
        };

        var cut = Render<ArchiveCalendar>(p => p.Add(c => c.ConnectionId, id).Add(c => c.Month, new DateOnly(2025, 4, 1)).Add(c => c.Days, days));

        var cells = cut.Find("[data-testid=archive-calendar]").Children;
        Assert.Equal(7 + 1 + 30, cells.Length); // day names, Tuesday's offset of one, 30 days
        var day = cut.Find("[data-testid=archive-day]");
        Assert.Equal("14", day.GetAttribute("data-day"));
        var run = cut.Find("[data-testid=archive-run]");
        Assert.Equal("run 103 · 15:00", run.TextContent);
        Assert.Equal($"/buckets/{id}?prefix=acme%2Fbolt%2Frun%2Fd%2F2025%2F04%2F14%2F103_1744642800.000000%2F", run.GetAttribute("href"));
    }
}
