namespace Portal.Core.Artifacts;

using System.Globalization;
using System.Text;
using Portal.Core.KeyTemplates;

/// <summary>
/// Where dbt artifacts go, in the Bolt layout: each run archived by date under
/// <c>bolt/run/&lt;schedule&gt;/&lt;YYYY&gt;/&lt;MM&gt;/&lt;DD&gt;/&lt;run id&gt;_&lt;unix time.micros&gt;/</c>, the latest run of each
/// command in <c>bolt/run/&lt;schedule&gt;/current/</c>, and a pointer <c>current.json</c> written last.
/// </summary>
public static class ArtifactLayout
{
    /// <summary>The command as a folder name: <c>dbt run</c> → <c>dbt_run</c> (runs of spaces become one '_').</summary>
    public static string CommandSlug(string command)
    {
        var slug = new StringBuilder(command.Length);
        foreach (var c in command.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (slug.Length > 0 && slug[^1] != '_') slug.Append('_');
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+' or '=')
            {
                slug.Append(c);
            }
            else
            {
                slug.Append('-');
            }
        }
        return slug.ToString();
    }

    /// <summary>A command as a run lists it (its progress, its log): the folder name without the slash.</summary>
    public static string CommandName(long commandId, string command) => CommandFolder(commandId, command).TrimEnd('/');

    /// <summary>The folder of one command within a run: <c>47532_dbt_run/</c>.</summary>
    public static string CommandFolder(long commandId, string command) =>
        string.Create(CultureInfo.InvariantCulture, $"{commandId}_{CommandSlug(command)}/");

    /// <summary><c>1663718545.541192</c>: seconds since 1970 with microseconds.</summary>
    public static string UnixTimeWithMicros(DateTimeOffset time)
    {
        var micros = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }

    public static string ScheduleRoot(string? prefix, string schedule) => PathPrefix.Join(prefix, $"bolt/run/{schedule}/");

    /// <summary>The archive folder of a run (with the trailing '/').</summary>
    public static string ArchiveFolder(string? prefix, string schedule, long runId, DateTimeOffset runTime)
    {
        var utc = runTime.UtcDateTime;
        return ScheduleRoot(prefix, schedule)
            + string.Create(CultureInfo.InvariantCulture, $"{utc:yyyy}/{utc:MM}/{utc:dd}/{runId}_{UnixTimeWithMicros(runTime)}/");
    }

    public static string CurrentFolder(string? prefix, string schedule) => ScheduleRoot(prefix, schedule) + "current/";

    /// <summary>The pointer readers follow; written after <c>current/</c> holds exactly the new run.</summary>
    public const string PointerName = "current.json";

    public static string PointerKey(string? prefix, string schedule) => ScheduleRoot(prefix, schedule) + PointerName;

    /// <summary>The key of one file of a command's <c>target/</c> folder under a run or current folder.</summary>
    public static string FileKey(string folder, long commandId, string command, string relativePath) =>
        folder + CommandFolder(commandId, command) + "target/" + relativePath.Replace('\\', '/').TrimStart('/');
}
