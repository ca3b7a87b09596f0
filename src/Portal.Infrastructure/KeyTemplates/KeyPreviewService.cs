namespace Portal.Infrastructure.KeyTemplates;

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Core.Validation;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Scheduling;

/// <summary>
/// Previews the keys of a template, for the API (any values, realistic defaults) and for the
/// connection editor (a draft, saved or not: now and its next scheduled runs).
/// </summary>
public sealed class KeyPreviewService(IDbContextFactory<PortalDbContext> contexts, ICurrentActor actor, TimeProvider clock)
{
    public const int MaxParts = 100;

    /// <summary>Keys in one preview: up to about 2 MB of answer, whoever asks and however often.</summary>
    public const int MaxKeys = 2_000;

    public const int MaxStreams = 1_000;

    /// <summary>The preview, or null when the request names a connection the caller may not see.</summary>
    public async Task<PreviewResult?> PreviewAsync(KeyPreviewInput input, CancellationToken cancellationToken)
    {
        var connection = await FindConnectionAsync(input.ConnectionId, cancellationToken);
        // A Customer previews only for their own connection: a connection they cannot see is "not found".
        if (connection is null && input.ConnectionId is not null && !actor.Access.AllCustomers) return null;

        var format = input.Format ?? connection?.Format ?? FileFormats.Csv;
        var compression = input.Compression ?? connection?.Compression ?? FileFormats.NoCompression;
        var parts = input.Parts ?? 2;
        var errors = FileFormats.Check(format, compression)
            .Require(parts is >= 1 and <= MaxParts, "parts", $"Preview 1 to {MaxParts} parts per stream.");
        var load = Truncate(input.LoadTime ?? clock.GetUtcNow());
        errors.Require(input.Template is null || input.Template.Length <= KeyTemplateLinter.MaxTemplateLength, "template",
            $"A template has at most {KeyTemplateLinter.MaxTemplateLength:N0} characters.");
        errors.Require(input.Prefix is null || input.Prefix.Length <= 512, "prefix", "A prefix has at most 512 characters.");
        errors.Require(input.Streams is null || input.Streams.Count <= MaxStreams, "streams", $"A preview takes at most {MaxStreams:N0} streams.");
        errors.ThrowIfInvalid();
        var streams = Streams(input, connection, load, errors);
        errors.Require((long)streams.Count * parts <= MaxKeys, "streams", $"A preview shows at most {MaxKeys:N0} keys: fewer streams or parts.");
        errors.ThrowIfInvalid();

        var template = input.Template ?? (connection is null ? null : connection.Template ?? DefaultTemplates.For(connection.Kind));
        var run = new PreviewRun(load, input.ConnectionRunId ?? Guid.NewGuid().ToString());
        return KeyPreview.Build(template, input.Prefix ?? connection?.Prefix, FileFormats.Extension(format, compression),
            connection?.Id.ToString() ?? input.ConnectionId ?? Guid.NewGuid().ToString(), streams, [run], parts);
    }

    /// <summary>
    /// The keys of a connection being edited, saved or not: a run now and the next scheduled runs, every named stream,
    /// <paramref name="parts"/> parts each, with the template's findings. Pure: nothing is read or saved, so it runs on
    /// every keystroke.
    /// </summary>
    public DraftPreview PreviewDraft(KeyDraft draft, int scheduledRuns = 3, int parts = 2)
    {
        var now = Truncate(clock.GetUtcNow());
        var template = string.IsNullOrWhiteSpace(draft.Template) ? DefaultTemplates.For(draft.Kind) : draft.Template;
        IReadOnlyList<DateTimeOffset> scheduled = [];
        string? scheduleError = null;
        if (!string.IsNullOrWhiteSpace(draft.Schedule))
        {
            if (CronSchedule.TryParse(draft.Schedule, out var schedule, out var error)) scheduled = schedule!.Next(now, scheduledRuns);
            else scheduleError = error;
        }
        var connectionId = draft.ConnectionId.ToString();
        var runs = new[] { now }.Concat(scheduled).Select((t, i) => new PreviewRun(t, KeyPreview.StreamRunId(connectionId, "run-" + i))).ToList();
        var streams = draft.Streams.Where(s => !string.IsNullOrWhiteSpace(s.Name)).Take(MaxStreams)
            .Select(s => new PreviewStream(s.Id ?? KeyPreview.StreamRunId(connectionId, s.Name.Trim()), s.Name.Trim(), s.HasCursor ? CursorOf(s.Mark) : null))
            .ToList();
        // A format and compression that do not go together still preview, with the format's own extension; the field says why.
        var extension = FileFormats.Check(draft.Format, draft.Compression).IsValid
            ? FileFormats.Extension(draft.Format, draft.Compression)
            : FileFormats.Extension(FileFormats.All.Contains(draft.Format) ? draft.Format : FileFormats.Csv, FileFormats.NoCompression);
        var result = KeyPreview.Build(template, draft.Prefix, extension, connectionId, streams, runs, parts);
        // The rule saving applies on top of the linter's: each dump gets its own folder.
        if (draft.Kind == DeliveryKind.Dump && !KeyTemplate.Parse(template).Uses.Contains(MacroKind.DumpTime))
            result = result with
            {
                Keys = [],
                Errors = [.. result.Errors, KeyDiagnostic.Error("dump_without_dump_time",
                    "A dump's template needs {dump_time}: it names the folder of each dump, so one dump never overwrites another.", 0, template.Length)],
            };
        return new DraftPreview(template, runs, scheduled, scheduleError, result);
    }

    /// <summary>A mark as the cursor macros see it: a date and time, else the beginning of time (a first run, or a number).</summary>
    public static DateTimeOffset CursorOf(string? mark) =>
        DateTimeOffset.TryParse(mark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUniversalTime() : DateTimeOffset.UnixEpoch;

    private async Task<Connection?> FindConnectionAsync(string? id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var connectionId)) return null;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Connections.AsNoTracking().WithChildren().FirstOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
    }

    private static List<PreviewStream> Streams(KeyPreviewInput input, Connection? connection, DateTimeOffset load, FieldErrors errors)
    {
        if (input.Streams is null)
        {
            if (connection is not null && connection.Streams.Count > 0) return [.. ConnectionPreviewStreams.Of(connection)];
            // A realistic stand-in, with a cursor a day behind the load so cursor macros preview too.
            return [new PreviewStream(Guid.NewGuid().ToString(), "sales_summary_daily", load.AddDays(-1))];
        }
        var streams = new List<PreviewStream>(input.Streams.Count);
        for (var i = 0; i < input.Streams.Count; i++)
        {
            var s = input.Streams[i];
            if (s is null || string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 200 || s.Id?.Length > 64)
            {
                errors.Add($"streams[{i}].name", "Each stream needs a name of 1 to 200 characters (and an id of at most 64).");
                continue;
            }
            streams.Add(new PreviewStream(string.IsNullOrWhiteSpace(s.Id) ? Guid.NewGuid().ToString() : s.Id, s.Name, s.Cursor));
        }
        return streams;
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}


/// <summary>What shapes a connection's keys, as the editor holds it (saved or not).</summary>
public sealed record KeyDraft(Guid ConnectionId, DeliveryKind Kind, string? Prefix, string? Template, string Format, string Compression, string? Schedule,
    IReadOnlyList<DraftStream> Streams)
{
    /// <summary>A saved connection as a draft, optionally with another template (a Customer's sandbox).</summary>
    public static KeyDraft Of(Connection c, string? template) => new(c.Id, c.Kind, c.Prefix, template, c.Format, c.Compression, c.Schedule,
        c.Streams.OrderBy(s => s.Position).ThenBy(s => s.Name)
            .Select(s => new DraftStream(s.Id.ToString(), s.Name, !string.IsNullOrEmpty(s.CursorColumn), s.CursorValue ?? s.CursorStart)).ToList());
}

/// <summary>A stream of a draft: its saved id (null when new), name, whether it has a cursor column, and the mark its next run starts from.</summary>
public sealed record DraftStream(string? Id, string Name, bool HasCursor, string? Mark);

/// <summary>A draft's keys: the template in effect, the previewed runs (a run now, then the scheduled ones), and the schedule's problem if any.</summary>
public sealed record DraftPreview(string Template, IReadOnlyList<PreviewRun> Runs, IReadOnlyList<DateTimeOffset> Scheduled, string? ScheduleError, PreviewResult Result);
