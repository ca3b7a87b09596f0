namespace Portal.Core.KeyTemplates;

/// <summary>A stream in a preview; a null cursor means the stream has no cursor column.</summary>
public sealed record PreviewStream(string Id, string Name, DateTimeOffset? Cursor);

/// <summary>A run in a preview: when it loads and its id.</summary>
public sealed record PreviewRun(DateTimeOffset LoadTime, string ConnectionRunId);

/// <summary>One previewed key, for a run, a stream and a part.</summary>
public sealed record PreviewKey(int Run, string Stream, int Part, string Key);

/// <summary>The keys a template makes, or why it cannot be used (then there are no keys).</summary>
public sealed record PreviewResult(IReadOnlyList<PreviewKey> Keys, IReadOnlyList<KeyDiagnostic> Errors, IReadOnlyList<KeyDiagnostic> Warnings);

/// <summary>The real keys of a template for some runs, every stream and the first parts.</summary>
public static class KeyPreview
{
    public static PreviewResult Build(
        string? template, string? prefix, string extension, string connectionId,
        IReadOnlyList<PreviewStream> streams, IReadOnlyList<PreviewRun> runs, int parts)
    {
        var parsed = KeyTemplate.Parse(template);
        var shapes = streams.Select(s => new StreamShape(s.Name, s.Cursor is not null)).ToList();
        var diagnostics = KeyTemplateLinter.Lint(parsed, new LintContext(prefix, extension, shapes));
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var warnings = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).ToList();
        if (errors.Count > 0) return new PreviewResult([], errors, warnings);

        var normalisedPrefix = PathPrefix.Normalise(prefix);
        var needsStreamRunId = parsed.Uses.Contains(MacroKind.StreamRunId);
        var keys = new List<PreviewKey>(runs.Count * streams.Count * parts);
        for (var r = 0; r < runs.Count; r++)
        {
            var run = runs[r];
            foreach (var stream in streams)
            {
                var values = new KeyValues(run.LoadTime, CursorAt(stream, runs, r), stream.Id, stream.Name,
                    connectionId, run.ConnectionRunId, needsStreamRunId ? StreamRunId(run.ConnectionRunId, stream.Id) : "", 0, extension);
                for (var part = 0; part < parts; part++)
                    keys.Add(new PreviewKey(r, stream.Name, part, parsed.Expand(values with { Part = part }, normalisedPrefix)));
            }
        }
        return new PreviewResult(keys, errors, warnings);
    }

    /// <summary>
    /// The cursor a run starts from: the stream's current mark for the first run; for later runs the
    /// mark has moved on, and the best estimate of where is the previous run's load time.
    /// </summary>
    private static DateTimeOffset? CursorAt(PreviewStream stream, IReadOnlyList<PreviewRun> runs, int run) =>
        stream.Cursor is null ? null : run == 0 ? stream.Cursor : runs[run - 1].LoadTime;

    /// <summary>
    /// A stable id for a stream within a previewed run, so previews do not change on every keystroke.
    /// Two FNV-1a hashes: not cryptographic, and need not be; real runs get real ids.
    /// </summary>
    public static string StreamRunId(string connectionRunId, string streamId)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Fnv(connectionRunId, streamId, 0xcbf29ce484222325));
        BitConverter.TryWriteBytes(bytes[8..], Fnv(streamId, connectionRunId, 0x84222325cbf29ce4));
        return new Guid(bytes).ToString();
    }

    private static ulong Fnv(string first, string second, ulong hash)
    {
        foreach (var c in first) hash = (hash ^ c) * 0x100000001b3;
        hash = (hash ^ '/') * 0x100000001b3;
        foreach (var c in second) hash = (hash ^ c) * 0x100000001b3;
        return hash;
    }
}
