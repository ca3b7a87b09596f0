namespace Portal.Web.Api;

/// <summary>The list shape of every collection endpoint.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Items, int Total);

public sealed record CustomerDto(Guid Id, string Name, DateTimeOffset CreatedAt);

public sealed record CreateCustomerRequest(string? Name);

public sealed record MeDto(string Id, string? Email, IReadOnlyList<string> Roles, Guid? CustomerId);
