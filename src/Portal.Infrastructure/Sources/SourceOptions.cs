namespace Portal.Infrastructure.Sources;

/// <summary>Where SQLite sources may live (<c>Portal:Sources</c>).</summary>
public sealed class SourceOptions
{
    public const string Section = "Portal:Sources";

    /// <summary>SQLite files must be under this folder; relative to the data folder. Default: <c>sources</c>.</summary>
    public string SqliteRoot { get; set; } = "sources";
}
