namespace Portal.Web.Components.Shared;

/// <summary>
/// Axes that fit the data: a "nice" tick step (1, 2 or 5 × 10ⁿ) that splits the largest value into a few ticks, and a
/// unit for byte counts, so one run of 3 MiB is not a sliver on a 0–20 axis and 50 runs of 40 GiB do not print 40960.
/// </summary>
public static class ChartScale
{
    /// <summary>
    /// The tick step for values up to <paramref name="max"/> in about <paramref name="ticks"/> steps: a whole 1, 2 or 5 × 10ⁿ
    /// (MudBlazor's ticks are whole numbers), 1 for an empty or all-zero chart.
    /// </summary>
    public static int Step(double max, int ticks = 4)
    {
        if (!double.IsFinite(max) || max <= 0) return 1;
        var raw = max / Math.Max(1, ticks);
        if (raw <= 1) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalised = raw / magnitude;
        var nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10;
        return (int)Math.Min(int.MaxValue / 2, nice * magnitude);
    }

    /// <summary>Options whose y axis ends at the first tick at or above the largest value.</summary>
    public static T Axis<T>(double max) where T : MudBlazor.Charts.DefaultAxisChartOptions, new()
    {
        var step = Step(max);
        return new T { YAxisTicks = step, MaxNumYAxisTicks = 6, YAxisFormat = "0.##", YAxisSuggestedMax = step * Math.Max(1, Math.Ceiling(max / step)) };
    }

    /// <summary>The unit that shows the largest of some byte counts as a number between 1 and 1024: its divisor and name.</summary>
    public static (double Divisor, string Name) BytesUnit(long max)
    {
        string[] names = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        var divisor = 1d;
        while (unit < names.Length - 1 && max >= divisor * 1024)
        {
            divisor *= 1024;
            unit++;
        }
        return (divisor, names[unit]);
    }

    /// <summary>The unit for durations in seconds: seconds, minutes or hours.</summary>
    public static (double Divisor, string Name) SecondsUnit(double max) =>
        max >= 2 * 3600 ? (3600, "hours") : max >= 2 * 60 ? (60, "minutes") : (1, "seconds");

    /// <summary>Labels for a long axis: every <c>n</c>-th kept (the last always), the rest blank, so at most about <paramref name="shown"/> are printed.</summary>
    public static string[] Thin(IReadOnlyList<string> labels, int shown = 10)
    {
        var every = Math.Max(1, (int)Math.Ceiling(labels.Count / (double)Math.Max(1, shown)));
        return labels.Select((l, i) => i % every == 0 || i == labels.Count - 1 ? l : "").ToArray();
    }
}
