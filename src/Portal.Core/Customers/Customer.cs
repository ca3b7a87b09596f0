namespace Portal.Core.Customers;

/// <summary>A tenant: owns sources and connections; its users see only what it owns.</summary>
public sealed class Customer
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
