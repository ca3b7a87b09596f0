namespace Portal.Core.Buckets;

/// <summary>Rows of a preview as text cells under column names, with what could not be read.</summary>
public sealed record PreviewTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, IReadOnlyList<string> Problems);
