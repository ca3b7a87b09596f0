namespace Portal.Core.KeyTemplates;

/// <summary>
/// A key template parsed once into literal and macro segments, then expanded many times without
/// parsing again. Syntax problems (unknown macros, stray braces) are reported as diagnostics with
/// their position; such a template still expands, leaving the bad parts as written.
/// </summary>
public sealed class KeyTemplate
{
    private readonly KeySegment[] _segments;

    private KeyTemplate(string text, KeySegment[] segments, IReadOnlyList<KeyDiagnostic> syntaxErrors)
    {
        Text = text;
        _segments = segments;
        SyntaxErrors = syntaxErrors;
        Uses = segments.Where(s => !s.IsLiteral).Select(s => s.Macro).ToHashSet();
    }

    public string Text { get; }

    public IReadOnlyList<KeySegment> Segments => _segments;

    /// <summary>Errors found while parsing: unknown macros, unclosed and stray braces.</summary>
    public IReadOnlyList<KeyDiagnostic> SyntaxErrors { get; }

    /// <summary>The macros the template uses.</summary>
    public IReadOnlySet<MacroKind> Uses { get; }

    public bool UsesCursor => Uses.Any(m => Macros.Of(m).UsesCursor);

    /// <summary>Parses a template. Never throws: problems become <see cref="SyntaxErrors"/>.</summary>
    public static KeyTemplate Parse(string? template)
    {
        var text = template ?? "";
        // Nothing past the longest template is read: the linter refuses it, and parsing stays bounded whatever is sent.
        if (text.Length > KeyTemplateLinter.MaxTemplateLength) return new KeyTemplate(text, [new KeySegment(text[..KeyTemplateLinter.MaxTemplateLength], default, 0, KeyTemplateLinter.MaxTemplateLength)], []);
        var segments = new List<KeySegment>();
        var errors = new List<KeyDiagnostic>();
        var literalStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '}')
            {
                errors.Add(KeyDiagnostic.Error("stray_brace", $"A '}}' at position {i} closes no macro. Remove it or add the opening '{{'.", i));
                i++;
                continue;
            }
            if (c != '{')
            {
                i++;
                continue;
            }
            var close = text.IndexOf('}', i + 1);
            var nextOpen = text.IndexOf('{', i + 1);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
            {
                errors.Add(KeyDiagnostic.Error("unclosed_brace", $"The '{{' at position {i} is never closed: end the macro with '}}'.", i));
                i++;
                continue;
            }
            var name = text[(i + 1)..close];
            var macro = Macros.Find(name);
            if (macro is null)
            {
                errors.Add(UnknownMacro(name, i, close - i + 1));
                i = close + 1;
                continue;
            }
            AddLiteral(segments, text, literalStart, i);
            segments.Add(new KeySegment(null, macro.Kind, i, close - i + 1));
            i = close + 1;
            literalStart = i;
        }
        AddLiteral(segments, text, literalStart, text.Length);
        return new KeyTemplate(text, [.. segments], errors);
    }

    private static KeyDiagnostic UnknownMacro(string name, int position, int length)
    {
        if (name.Length == 0)
            return KeyDiagnostic.Error("unknown_macro", $"Empty macro '{{}}' at position {position}: put a macro name between the braces.", position, length);
        var nearest = Macros.Nearest(name);
        var hint = nearest is null ? " See the list of macros." : $" Did you mean {nearest.Token}?";
        return KeyDiagnostic.Error("unknown_macro", $"Unknown macro {{{name}}} at position {position}.{hint}", position, length);
    }

    private static void AddLiteral(List<KeySegment> segments, string text, int start, int end)
    {
        if (end > start) segments.Add(new KeySegment(text[start..end], default, start, end - start));
    }

    /// <summary>The key for one stream, part and run (without the connection's prefix).</summary>
    public string Expand(in KeyValues values) => Expand(values, "");

    /// <summary>The full key: <paramref name="normalisedPrefix"/> (see <see cref="PathPrefix.Normalise"/>) and the expanded template.</summary>
    public string Expand(in KeyValues values, string normalisedPrefix)
    {
        var writer = new KeyWriter(stackalloc char[256]);
        try
        {
            writer.Append(normalisedPrefix);
            foreach (ref readonly var segment in _segments.AsSpan())
            {
                if (segment.Literal is { } literal) writer.Append(literal);
                else MacroWriter.Write(ref writer, segment.Macro, values);
            }
            return writer.ToString();
        }
        finally
        {
            writer.Dispose();
        }
    }

    public override string ToString() => Text;
}
