namespace Portal.Core.KeyTemplates;

/// <summary>A problem found in a template. Errors block saving; warnings are shown and can be accepted.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>unknown_macro</c>.</param>
/// <param name="Message">A sentence for people, with the fix where there is one.</param>
/// <param name="Position">Zero-based character index in the template where the problem starts.</param>
/// <param name="Length">How many characters the problem spans (at least 1 when it points at text).</param>
public sealed record KeyDiagnostic(string Code, string Message, int Position, int Length, DiagnosticSeverity Severity)
{
    public static KeyDiagnostic Error(string code, string message, int position, int length = 1) =>
        new(code, message, position, length, DiagnosticSeverity.Error);

    public static KeyDiagnostic Warning(string code, string message, int position, int length = 0) =>
        new(code, message, position, length, DiagnosticSeverity.Warning);
}

public enum DiagnosticSeverity
{
    Warning,
    Error,
}
