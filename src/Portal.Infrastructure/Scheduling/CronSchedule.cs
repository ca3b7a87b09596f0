namespace Portal.Infrastructure.Scheduling;

using Quartz;

/// <summary>
/// A connection's schedule: a cron expression in UTC, either the usual 5-field crontab form or
/// Quartz's 6/7-field form (with seconds and an optional year). It is parsed by Quartz itself, so
/// what the editor previews is exactly what the scheduler will fire.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    /// <summary>The schedule as the user wrote it.</summary>
    public string Text { get; }

    /// <summary>The same schedule in Quartz's form (what the trigger uses).</summary>
    public string QuartzExpression => _expression.CronExpressionString;

    /// <summary>Parses a schedule; on failure <paramref name="error"/> says what is wrong in words.</summary>
    public static bool TryParse(string? text, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        var trimmed = (text ?? "").Trim();
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var format = fields.Length switch
        {
            1 when trimmed.StartsWith('@') => CronFormat.Quartz,
            5 => CronFormat.Unix,
            6 or 7 => CronFormat.Quartz,
            _ => (CronFormat?)null,
        };
        if (format is null)
        {
            error = "A schedule is a cron expression in UTC: 5 fields (minute hour day-of-month month day-of-week, e.g. '0 3 * * *') or Quartz's 6 or 7 fields (with seconds first).";
            return false;
        }
        try
        {
            var expression = CronExpression.Parse(string.Join(' ', fields), format.Value).WithTimeZone(TimeZoneInfo.Utc);
            if (expression.GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null)
            {
                error = "This schedule never fires again.";
                return false;
            }
            schedule = new CronSchedule(trimmed, expression);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            error = $"Not a valid cron expression: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// The shortest time between two runs when it is below <paramref name="minimum"/>, else null. Looks at the next
    /// 1,000 runs from now (three years of a daily schedule; a schedule every second fails at once).
    /// </summary>
    public TimeSpan? ShortestGap(TimeSpan minimum, DateTimeOffset? from = null)
    {
        var previous = _expression.GetNextValidTimeAfter(from ?? DateTimeOffset.UtcNow);
        for (var i = 0; i < 1000 && previous is { } p; i++)
        {
            var next = _expression.GetNextValidTimeAfter(p);
            if (next is { } n && n - p < minimum) return n - p;
            previous = next;
        }
        return null;
    }

    /// <summary>The next <paramref name="count"/> times the schedule fires after <paramref name="after"/> (UTC).</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var times = new List<DateTimeOffset>(count);
        var cursor = after;
        while (times.Count < count && _expression.GetNextValidTimeAfter(cursor) is { } next)
        {
            times.Add(next);
            cursor = next;
        }
        return times;
    }
}
