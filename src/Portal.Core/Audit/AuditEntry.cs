namespace Portal.Core.Audit;

/// <summary>Who changed what, and when. Holds field names, never secret values.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The acting user's id, or null for the system (workers, seeding).</summary>
    public string? UserId { get; set; }

    public required string Actor { get; set; }

    /// <summary>Created, Updated, Deleted, or a named action such as SignIn or TokenRevoked.</summary>
    public required string Action { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    /// <summary>The customer the entity belongs to, when it belongs to one.</summary>
    public Guid? CustomerId { get; set; }

    /// <summary>Comma-separated names of the changed fields, or a short note.</summary>
    public string Details { get; set; } = "";
}
