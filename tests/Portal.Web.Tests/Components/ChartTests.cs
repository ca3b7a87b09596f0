namespace Portal.Web.Tests.Components;

using Bunit;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Infrastructure.Runs;
using Portal.Web.Components.Pages;
using Portal.Web.Components.Pages.Runs;
using Portal.Web.Components.Shared;

/// <summary>Charts read right with no run, one run and many: axes fit the data and its unit.</summary>
public sealed class ChartTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly Connection _connection;

    public ChartTests()
    {
        Services.AddRunServices(_db);
        var customer = new Customer { Name = "Acme" };
        _connection = new Connection { CustomerId = customer.Id, Name = "dumps", Kind = DeliveryKind.Dump, Bucket = "acme", Region = "eu-west-1", ExternalId = "x" };
        using var db = _db.CreateSystemContext();
        db.Customers.Add(customer);
        db.Connections.Add(_connection);
        db.SaveChanges();
    }

    protected override void OnDisposed() => _db.Dispose();

    private void Runs(int count, Func<int, (double Seconds, long Bytes)> shape)
    {
        using var db = _db.CreateSystemContext();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < count; i++)
        {
            var (seconds, bytes) = shape(i);
            var at = start.AddMinutes(i);
            db.Runs.Add(new Run
            {
                ConnectionId = _connection.Id, CustomerId = _connection.CustomerId, Kind = DeliveryKind.Dump, Status = RunStatus.Succeeded, Trigger = RunTrigger.Schedule,
                QueuedAt = at, StartedAt = at, FinishedAt = at.AddSeconds(seconds), Bytes = bytes, Rows = 10,
            });
        }
        db.SaveChanges();
    }

    [Fact]
    public void NoRun_ShouldSaySo_InsteadOfAnEmptyChart()
    {
        var cut = Render<RunHistoryChart>(p => p.Add(c => c.ConnectionId, _connection.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=history-empty]")));
        Assert.Empty(cut.FindAll("[data-testid=run-history]"));
    }

    [Fact]
    public void OneRun_ShouldBeStatedAndDrawnOnAnAxisThatFitsIt()
    {
        Runs(1, _ => (12, 3 * 1024 * 1024));

        var cut = Render<RunHistoryChart>(p => p.Add(c => c.ConnectionId, _connection.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=history-single]")));
        Assert.Contains("3 MiB", cut.Find("[data-testid=history-single]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", cut.Find("[data-testid=run-history]").GetAttribute("data-points"));
        // 12 s on ticks of 5 (not a lone bar on 0–20); 3 MiB in MiB on ticks of 1.
        Assert.Equal("5", cut.Find("[data-testid=duration-chart]").GetAttribute("data-step"));
        Assert.Equal("1", cut.Find("[data-testid=bytes-chart]").GetAttribute("data-step"));
        Assert.Contains("Delivered (MiB)", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void FiftyRuns_ShouldUseAUnitAndTicksThatFitTheLargest()
    {
        Runs(60, i => (60 + i * 30, (long)(i + 1) * 1024 * 1024 * 1024)); // up to 31.5 minutes and 60 GiB

        var cut = Render<RunHistoryChart>(p => p.Add(c => c.ConnectionId, _connection.Id));

        cut.WaitForAssertion(() => Assert.Equal("50", cut.Find("[data-testid=run-history]").GetAttribute("data-points")));
        Assert.Contains("Duration (minutes)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Delivered (GiB)", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("10", cut.Find("[data-testid=duration-chart]").GetAttribute("data-step")); // 31.5 min / 4 → 10
        Assert.Equal("20", cut.Find("[data-testid=bytes-chart]").GetAttribute("data-step")); // 60 GiB / 4 → 20
        Assert.Empty(cut.FindAll("[data-testid=history-single]"));
    }

    [Fact]
    public void DailyCharts_ShouldSayWhenNothingRan_AndFitOneDay()
    {
        var days = Enumerable.Range(0, 30).Select(i => new DayTotal(DateOnly.FromDayNumber(739000 + i), 0, 0, 0)).ToList();
        var empty = Render<DailyCharts>(p => p.Add(c => c.Days, days));
        Assert.NotNull(empty.Find("[data-testid=daily-empty]"));

        days[^1] = days[^1] with { Succeeded = 1, Failed = 1, Bytes = 5_000 };
        var one = Render<DailyCharts>(p => p.Add(c => c.Days, days));
        Assert.Equal("2", one.Find("[data-testid=daily-charts]").GetAttribute("data-runs"));
        Assert.Equal("1", one.Find("[data-testid=daily-runs]").GetAttribute("data-step"));
        Assert.Contains("Delivered (KiB)", one.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(12, 5)]
    [InlineData(20, 5)]
    [InlineData(21, 10)]
    [InlineData(100, 50)]
    [InlineData(1_000_000, 500_000)]
    [InlineData(double.NaN, 1)]
    public void Step_ShouldSplitTheLargestValueIntoAFewNiceTicks(double max, int step) => Assert.Equal(step, ChartScale.Step(max));

    [Theory]
    [InlineData(0L, "bytes")]
    [InlineData(1023L, "bytes")]
    [InlineData(1024L, "KiB")]
    [InlineData(5L * 1024 * 1024, "MiB")]
    [InlineData(long.MaxValue, "TiB")]
    public void BytesUnit_ShouldKeepTheLargestValueReadable(long max, string unit) => Assert.Equal(unit, ChartScale.BytesUnit(max).Name);

    [Fact]
    public void AnyLargestValue_ShouldEndTheAxisAtOrAboveIt_WithAtMostAFewTicks()
    {
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var max = Math.Pow(10, random.NextDouble() * 9) * random.NextDouble(); // up to 10⁹: a unit keeps charted values far below
            var options = ChartScale.Axis<MudBlazor.BarChartOptions>(max);
            Assert.True(options.YAxisSuggestedMax >= max, $"{max}");
            Assert.True(options.YAxisSuggestedMax / options.YAxisTicks <= Math.Max(4, max < 4 ? 4 : 10), $"{max}: {options.YAxisSuggestedMax}/{options.YAxisTicks}");
        }
    }
}
