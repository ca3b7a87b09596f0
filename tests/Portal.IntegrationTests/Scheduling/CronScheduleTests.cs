namespace Portal.IntegrationTests.Scheduling;

using Portal.Infrastructure.Scheduling;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset From = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero); // a Monday

    private static IReadOnlyList<DateTimeOffset> Next(string cron, int count = 3)
    {
        Assert.True(CronSchedule.TryParse(cron, out var schedule, out var error), error);
        return schedule!.Next(From, count);
    }

    [Fact]
    public void The_usual_five_field_form_is_read_in_utc()
    {
        Assert.Equal(
            [new DateTimeOffset(2025, 4, 15, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 4, 16, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 4, 17, 3, 0, 0, TimeSpan.Zero)],
            Next("0 3 * * *"));
    }

    [Fact]
    public void Five_field_day_of_week_numbers_count_sunday_as_zero()
    {
        // crontab "1" is Monday; in Quartz's own numbering 1 would be Sunday.
        var next = Next("30 4 * * 1", 2);

        Assert.All(next, t => Assert.Equal(DayOfWeek.Monday, t.DayOfWeek));
        Assert.Equal(new DateTimeOffset(2025, 4, 21, 4, 30, 0, TimeSpan.Zero), next[0]);
    }

    [Theory]
    [InlineData("0 0 6 ? * MON-FRI")]
    [InlineData("0 0 6 ? * MON-FRI 2025-2099")]
    public void Quartz_six_and_seven_field_forms_are_accepted(string cron)
    {
        Assert.Equal(new DateTimeOffset(2025, 4, 15, 6, 0, 0, TimeSpan.Zero), Next(cron, 1)[0]);
    }

    [Fact]
    public void Hourly_runs_every_hour()
    {
        var next = Next("0 * * * *", 2);

        Assert.Equal(TimeSpan.FromHours(1), next[1] - next[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("daily")]
    [InlineData("0 3 * *")]
    [InlineData("61 3 * * *")]
    [InlineData("0 0 6 ? * MON-FRI 2020")]
    public void Bad_schedules_are_refused_with_a_message(string cron)
    {
        Assert.False(CronSchedule.TryParse(cron, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
