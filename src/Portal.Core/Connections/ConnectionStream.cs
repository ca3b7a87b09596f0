namespace Portal.Core.Connections;

/// <summary>A stream: one source table delivered by a connection, optionally incremental by a cursor column.</summary>
public sealed class ConnectionStream
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ConnectionId { get; set; }

    public required string Name { get; set; }

    public required string Table { get; set; }

    public string? CursorColumn { get; set; }

    /// <summary>The cursor's value for the first run.</summary>
    public string? CursorStart { get; set; }

    /// <summary>The high-water mark after the last successful run, as text of <see cref="CursorKind"/>.</summary>
    public string? CursorValue { get; set; }

    /// <summary>
    /// What the cursor column holds, read from the source when the stream is saved (or, when it could not
    /// be told then, at the first run that finds values); marks are compared in this kind.
    /// </summary>
    public Sources.CursorKind? CursorKind { get; set; }

    public int Position { get; set; }

    /// <summary>
    /// The columns the last successful run delivered (<see cref="Formats.StreamSchema.Serialize"/>), to tell the next run's
    /// changes; null until a stream export's first delivery.
    /// </summary>
    public string? SchemaJson { get; set; }

    /// <summary>The schema file that describes the stream's files now (<c>_schemas/{stream}/{run_id}.json</c>).</summary>
    public string? SchemaKey { get; set; }
}
