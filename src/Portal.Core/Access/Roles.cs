namespace Portal.Core.Access;

/// <summary>The portal's roles and what each may see.</summary>
public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string CustomerSuccess = nameof(CustomerSuccess);
    public const string Operator = nameof(Operator);
    public const string Customer = nameof(Customer);

    /// <summary>Every role, in the order the UI lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, CustomerSuccess, Operator, Customer];

    /// <summary>Roles that work across all customers.</summary>
    public static IReadOnlyList<string> Staff { get; } = [Admin, CustomerSuccess, Operator];

    /// <summary>True when the name is one of the portal's roles (case-sensitive, as stored).</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
