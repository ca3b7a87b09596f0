namespace Portal.Infrastructure.Buckets;

using System.Globalization;
using Portal.Core.Artifacts;
using Portal.Core.Buckets;
using Portal.Core.Connections;

/// <summary>A schedule of an artifact sync as its bucket shows it: the pointer, and the months its dated archive holds.</summary>
public sealed record ScheduleArtifacts(string Name, string Root, ArtifactPointer? Pointer, string? Problem, IReadOnlyList<string> Months);

/// <summary>One day of a schedule's archive and the runs archived that day.</summary>
public sealed record ArchiveDay(DateOnly Date, IReadOnlyList<ArchiveRun> Runs);

/// <summary>
/// Reads what artifact syncs left in a bucket: each schedule's <c>current.json</c> and its dated archive
/// <c>bolt/run/&lt;schedule&gt;/&lt;YYYY&gt;/&lt;MM&gt;/&lt;DD&gt;/&lt;run&gt;/</c>, month by month (a month costs one listing per day
/// that has runs, never a listing of every file).
/// </summary>
public sealed class ArtifactBrowser(BucketClients clients)
{
    private const long MaxPointerBytes = 4L * 1024 * 1024;

    /// <summary>The connection's schedules and any other schedule found under <c>bolt/run/</c>.</summary>
    public async Task<IReadOnlyList<ScheduleArtifacts>> SchedulesAsync(Connection connection, CancellationToken cancellationToken)
    {
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var runRoot = Portal.Core.KeyTemplates.PathPrefix.Join(connection.Prefix, "bolt/run/");
        var found = (await SmallObjects.FoldersAsync(s3, connection, runRoot, cancellationToken)).Select(BucketPaths.Name).Select(n => n.TrimEnd('/'));
        var names = connection.Schedules.Select(s => s.Name).Concat(found).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var schedules = new List<ScheduleArtifacts>();
        foreach (var name in names)
        {
            // A folder under bolt/run/ whose name could be read as a path step is not a schedule.
            if (TryRoot(connection, name) is not { } root) continue;
            ArtifactPointer? pointer = null;
            string? problem = null;
            try
            {
                pointer = ArtifactPointer.Parse(await SmallObjects.ReadTextAsync(s3, connection, root + Portal.Core.Artifacts.ArtifactLayout.PointerName, MaxPointerBytes, cancellationToken));
            }
            catch (KeyNotFoundException)
            {
                problem = "No current.json yet: the schedule has not synced.";
            }
            catch (Exception e) when (e is FormatException or BucketException)
            {
                problem = e.Message;
            }
            var months = new List<string>();
            foreach (var year in (await SmallObjects.FoldersAsync(s3, connection, root, cancellationToken)).Where(IsNumber).OrderDescending(StringComparer.Ordinal))
            {
                foreach (var month in (await SmallObjects.FoldersAsync(s3, connection, year, cancellationToken)).Where(IsNumber).OrderDescending(StringComparer.Ordinal))
                    months.Add($"{BucketPaths.Name(year).TrimEnd('/')}-{BucketPaths.Name(month).TrimEnd('/')}");
            }
            schedules.Add(new ScheduleArtifacts(name, root, pointer, problem, months));
        }
        return schedules;
    }

    /// <summary>The days of one month (<c>yyyy-MM</c>) of a schedule's archive, newest first, with their runs.</summary>
    public async Task<IReadOnlyList<ArchiveDay>> MonthAsync(Connection connection, string schedule, string month, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            throw new KeyNotFoundException($"'{month}' is not a month (yyyy-MM).");
        var folder = Root(connection, schedule) + first.ToString("yyyy/MM/", CultureInfo.InvariantCulture);
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var days = new List<ArchiveDay>();
        foreach (var day in (await SmallObjects.FoldersAsync(s3, connection, folder, cancellationToken)).Where(IsNumber).OrderDescending(StringComparer.Ordinal))
        {
            if (!int.TryParse(BucketPaths.Name(day).TrimEnd('/'), CultureInfo.InvariantCulture, out var d) || d < 1 || d > DateTime.DaysInMonth(first.Year, first.Month)) continue;
            var runs = (await SmallObjects.FoldersAsync(s3, connection, day, cancellationToken)).Select(ArchiveRun.FromFolder).OfType<ArchiveRun>()
                .OrderByDescending(r => r.Time).ToList();
            days.Add(new ArchiveDay(new DateOnly(first.Year, first.Month, d), runs));
        }
        return days;
    }

    private static string Root(Connection connection, string schedule) => TryRoot(connection, schedule) ?? throw BucketBrowser.Outside(schedule);

    private static string? TryRoot(Connection connection, string schedule) =>
        schedule.Contains('/', StringComparison.Ordinal) || schedule.Length == 0 ? null : BucketPaths.Folder(connection.Prefix, ArtifactLayout.ScheduleRoot(connection.Prefix, schedule));

    private static bool IsNumber(string folder) => BucketPaths.Name(folder).TrimEnd('/').All(char.IsAsciiDigit);
}
