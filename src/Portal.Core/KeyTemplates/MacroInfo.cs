namespace Portal.Core.KeyTemplates;

/// <summary>A macro's name (without braces), what it expands to, and a sample value.</summary>
public sealed record MacroInfo(MacroKind Kind, string Name, string Description, string Sample, MacroGroup Group)
{
    /// <summary>The macro as written in a template, e.g. <c>{stream_name}</c>.</summary>
    public string Token => "{" + Name + "}";

    /// <summary>True for the macros that read the stream's cursor.</summary>
    public bool UsesCursor => Group == MacroGroup.Cursor;

    /// <summary>The most UTF-8 bytes this macro can expand to, when that does not depend on names; null when it does.</summary>
    public int? FixedMaxBytes { get; init; }
}

/// <summary>How the palette groups macros.</summary>
public enum MacroGroup
{
    LoadTime,
    Identity,
    Cursor,
    File,
}
