namespace Portal.Core.KeyTemplates;

/// <summary>What the linter knows about where a template is used.</summary>
/// <param name="Prefix">The connection's path prefix (joined in front of every key).</param>
/// <param name="Extension">The connection's <c>{extension}</c>.</param>
/// <param name="Streams">The connection's streams; empty when unknown.</param>
public sealed record LintContext(string? Prefix, string Extension, IReadOnlyList<StreamShape> Streams);

/// <summary>A stream as far as keys care: its name and whether it has a cursor column.</summary>
public sealed record StreamShape(string Name, bool HasCursor);
