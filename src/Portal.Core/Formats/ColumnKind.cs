namespace Portal.Core.Formats;

/// <summary>What a source column holds, as far as file formats care.</summary>
public enum ColumnKind
{
    Integer,
    Real,
    Decimal,
    Text,
    Boolean,
    Date,
    Timestamp,
    Blob,
}

/// <summary>A column of a stream: its name (in source order), kind, declared source type and nullability.</summary>
public sealed record SourceColumn(string Name, ColumnKind Kind, string SourceType, bool Nullable = true);
