namespace Portal.Core.Access;

/// <summary>
/// What slice of the customers a user may see. A user holding the Customer role is always confined
/// to their own customer, even if another role was added by mistake: confinement wins.
/// </summary>
public readonly record struct TenantAccess(bool AllCustomers, Guid? CustomerId)
{
    /// <summary>Sees nothing: anonymous callers, and Customer users with no customer.</summary>
    public static TenantAccess None { get; } = new(false, null);

    /// <summary>Sees everything: staff roles and background workers.</summary>
    public static TenantAccess Everything { get; } = new(true, null);

    /// <summary>Decides access from a user's roles and customer claim.</summary>
    public static TenantAccess For(IEnumerable<string> roles, Guid? customerId)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        if (set.Contains(Roles.Customer))
            return customerId is { } id && id != Guid.Empty ? new(false, id) : None;
        return set.Overlaps(Roles.Staff) ? Everything : None;
    }

    /// <summary>True when an object owned by <paramref name="ownerCustomerId"/> is visible.</summary>
    public bool CanSee(Guid ownerCustomerId) => AllCustomers || CustomerId == ownerCustomerId;
}
