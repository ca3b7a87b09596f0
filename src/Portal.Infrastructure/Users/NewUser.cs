namespace Portal.Infrastructure.Users;

/// <summary>What an admin fills in to add a user. A null password means "generate one".</summary>
public sealed record NewUser(string? Email, string? DisplayName, string? Role, Guid? CustomerId, string? Password = null);
