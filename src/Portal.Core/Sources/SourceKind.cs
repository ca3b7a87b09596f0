namespace Portal.Core.Sources;

/// <summary>What kind of database a source reads from.</summary>
public enum SourceKind
{
    Sqlite,
    Postgres,
}
