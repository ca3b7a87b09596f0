namespace Portal.Infrastructure.Persistence;

using System.ComponentModel.DataAnnotations;

/// <summary>Which database holds the portal's state (<c>Portal:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Portal:Database";

    /// <summary><c>Sqlite</c> (one node, the default) or <c>Postgres</c> (several nodes).</summary>
    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
