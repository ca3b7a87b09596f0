namespace Portal.Infrastructure.Users;

/// <summary>A user as the admin pages list them.</summary>
public sealed record UserSummary(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, Guid? CustomerId, string? CustomerName, bool LockedOut);
