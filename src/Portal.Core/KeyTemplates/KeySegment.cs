namespace Portal.Core.KeyTemplates;

/// <summary>A piece of a parsed template: literal text, or a macro.</summary>
/// <param name="Literal">The text, for literal segments; null for macros.</param>
/// <param name="Macro">The macro, for macro segments.</param>
/// <param name="Position">Where the segment starts in the template (for macros, at the '{').</param>
/// <param name="Length">Its length in the template (for macros, with the braces).</param>
public readonly record struct KeySegment(string? Literal, MacroKind Macro, int Position, int Length)
{
    public bool IsLiteral => Literal is not null;
}
