namespace Portal.Core.Sources;

/// <summary>A customer's data source: a SQLite file or a PostgreSQL database.</summary>
public sealed class Source : ICustomerOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid CustomerId { get; set; }

    public required string Name { get; set; }

    public SourceKind Kind { get; set; }

    /// <summary>The connection string, encrypted at rest; never sent to a client.</summary>
    public required string ConnectionStringCipher { get; set; }

    /// <summary>The last characters of the connection string, for a masked display.</summary>
    public string ConnectionStringHint { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
