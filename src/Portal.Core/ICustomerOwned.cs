namespace Portal.Core;

/// <summary>An entity that belongs to exactly one customer (tenant); tenant filters key on it.</summary>
public interface ICustomerOwned
{
    /// <summary>The owning customer.</summary>
    Guid CustomerId { get; }
}
