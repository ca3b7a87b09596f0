namespace Portal.Core.KeyTemplates;

using System.Globalization;
using System.Text;

/// <summary>
/// Finds mistakes that lose data or break keys. Errors (with the character position) block saving:
/// syntax, a cursor macro on a stream without a cursor, keys that can exceed S3's 1,024 bytes,
/// a leading '/', '//', and characters S3 advises against. Warnings can be accepted: keys that are
/// not unique within or across runs, a key ending in '.' or '/', and a missing or misplaced extension.
/// </summary>
public static class KeyTemplateLinter
{
    /// <summary>S3's limit on a key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The longest template (it expands to a key of at most <see cref="MaxKeyBytes"/> anyway).</summary>
    public const int MaxTemplateLength = 1024;

    /// <summary>At most this many findings are reported for one template; the rest are counted in one more.</summary>
    public const int MaxFindings = 25;

    /// <summary>Assumed longest stream name (bytes) when the streams are not known yet.</summary>
    public const int AssumedStreamNameBytes = 100;

    private const string AvoidedCharacters = "\\^%`[]\"<>~#|";

    public static IReadOnlyList<KeyDiagnostic> Lint(KeyTemplate template, LintContext context)
    {
        var found = new List<KeyDiagnostic>();
        if (template.Text.Length == 0)
        {
            found.Add(KeyDiagnostic.Error("empty_template", "The template is empty: every object needs a key.", 0, 0));
            return found;
        }
        if (template.Text.Length > MaxTemplateLength)
        {
            found.Add(KeyDiagnostic.Error("template_too_long", $"A template has at most {MaxTemplateLength:N0} characters; this one has {template.Text.Length:N0}.", MaxTemplateLength, template.Text.Length - MaxTemplateLength));
            return found;
        }
        found.AddRange(template.SyntaxErrors);
        CheckLiterals(template, found);
        CheckCursor(template, context, found);
        CheckLength(template, context, found);
        Warn(template, context, found);
        var ordered = found.OrderBy(d => d.Severity == DiagnosticSeverity.Error ? 0 : 1).ThenBy(d => d.Position).ToList();
        if (ordered.Count <= MaxFindings) return ordered;
        // One finding per bad character would grow with the template: the first ones, and a count of the rest.
        var kept = ordered.Take(MaxFindings - 1).ToList();
        kept.Add(KeyDiagnostic.Error("more_findings", $"…and {ordered.Count - kept.Count:N0} more problems: fix these first.", kept[^1].Position, 0));
        return kept;
    }

    private static void CheckLiterals(KeyTemplate template, List<KeyDiagnostic> found)
    {
        if (template.Text.StartsWith('/'))
            found.Add(KeyDiagnostic.Error("leading_slash", "A key cannot start with '/': it would make an empty folder name. Remove the leading '/'.", 0));
        foreach (var segment in template.Segments.Where(s => s.IsLiteral))
        {
            var text = segment.Literal!;
            for (var i = text.IndexOf("//", StringComparison.Ordinal); i >= 0; i = text.IndexOf("//", i + 2, StringComparison.Ordinal))
                found.Add(KeyDiagnostic.Error("double_slash", $"'//' at position {segment.Position + i} makes an empty folder name. Use one '/'.", segment.Position + i, 2));
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (AvoidedCharacters.Contains(c))
                    found.Add(KeyDiagnostic.Error("invalid_character", $"'{c}' at position {segment.Position + i} is a character S3 advises against in keys. Use letters, digits, '-', '_', '.' or '/'.", segment.Position + i));
                else if (IsNonPrintable(text, i))
                    found.Add(KeyDiagnostic.Error("invalid_character", $"A non-printable character (U+{(int)c:X4}) at position {segment.Position + i}. Remove it.", segment.Position + i));
            }
        }
    }

    private static bool IsNonPrintable(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        if (char.IsLowSurrogate(c)) return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned;
    }

    private static void CheckCursor(KeyTemplate template, LintContext context, List<KeyDiagnostic> found)
    {
        var without = context.Streams.Where(s => !s.HasCursor).Select(s => s.Name).ToList();
        if (without.Count == 0) return;
        foreach (var segment in template.Segments.Where(s => !s.IsLiteral && Macros.Of(s.Macro).UsesCursor))
        {
            found.Add(KeyDiagnostic.Error("cursor_without_column",
                $"{Macros.Of(segment.Macro).Token} needs a cursor, but {Names(without)} {(without.Count == 1 ? "has" : "have")} no cursor column. Set one or use a load-time macro such as {{date_time}}.",
                segment.Position, segment.Length));
        }
    }

    private static void CheckLength(KeyTemplate template, LintContext context, List<KeyDiagnostic> found)
    {
        var prefix = PathPrefix.Normalise(context.Prefix);
        var nameBytes = context.Streams.Count == 0 ? AssumedStreamNameBytes : context.Streams.Max(s => Encoding.UTF8.GetByteCount(s.Name));
        var bytes = Encoding.UTF8.GetByteCount(prefix);
        foreach (var segment in template.Segments)
        {
            bytes += segment.IsLiteral
                ? Encoding.UTF8.GetByteCount(segment.Literal!)
                : segment.Macro switch
                {
                    MacroKind.StreamName => nameBytes,
                    MacroKind.Extension => Encoding.UTF8.GetByteCount(context.Extension),
                    _ => Macros.Of(segment.Macro).FixedMaxBytes ?? 0,
                };
        }
        if (bytes > MaxKeyBytes)
            found.Add(KeyDiagnostic.Error("key_too_long",
                $"Keys can reach {bytes:N0} bytes (UTF-8, with the prefix); S3 allows {MaxKeyBytes:N0}. Shorten the template, the prefix or the stream names.",
                0, template.Text.Length));
    }

    private static void Warn(KeyTemplate template, LintContext context, List<KeyDiagnostic> found)
    {
        var uses = template.Uses;
        var end = template.Text.Length;
        if (context.Streams.Count > 1 && !uses.Overlaps([MacroKind.StreamName, MacroKind.StreamId, MacroKind.StreamRunId]))
            found.Add(KeyDiagnostic.Warning("not_unique_streams",
                $"All {context.Streams.Count} streams get the same key and overwrite each other: add {{stream_name}} or {{stream_id}}.", end));
        if (!uses.Contains(MacroKind.Part))
            found.Add(KeyDiagnostic.Warning("not_unique_parts",
                "A stream larger than the part size is split into several files that would get the same key: add {part}.", end));
        if (!uses.Any(m => Macros.Of(m).Group is MacroGroup.LoadTime or MacroGroup.Cursor) && !uses.Overlaps([MacroKind.ConnectionRunId, MacroKind.StreamRunId]))
            found.Add(KeyDiagnostic.Warning("not_unique_runs",
                "Every run writes the same keys and overwrites the last run's files: add a time ({date_time}), a run id ({connection_run_id}) or a cursor macro.", end));
        if (template.Segments.Count > 0 && template.Segments[^1] is { IsLiteral: true, Literal: var last } && (last!.EndsWith('.') || last.EndsWith('/')))
            found.Add(KeyDiagnostic.Warning("trailing_dot_or_slash",
                $"The key ends with '{last[^1]}': {(last.EndsWith('/') ? "S3 consoles show it as a folder, not a file" : "the file has no extension after the dot")}.", end - 1, 1));
        if (!uses.Contains(MacroKind.Extension))
            found.Add(KeyDiagnostic.Warning("extension_missing",
                $"No {{extension}}: tools that read the bucket cannot tell the files are {context.Extension}. End the template with .{{extension}}.", end));
        else if (template.Segments[^1] is not { IsLiteral: false, Macro: MacroKind.Extension })
        {
            var at = template.Segments.First(s => !s.IsLiteral && s.Macro == MacroKind.Extension);
            found.Add(KeyDiagnostic.Warning("extension_not_at_end",
                "{extension} is not at the end of the key, so the file name does not end with its type. Move it to the end.", at.Position, at.Length));
        }
    }

    private static string Names(List<string> names) =>
        names.Count <= 3 ? string.Join(", ", names.Select(n => $"'{n}'")) : $"'{names[0]}', '{names[1]}' and {names.Count - 2} more streams";
}
