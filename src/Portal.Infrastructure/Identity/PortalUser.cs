namespace Portal.Infrastructure.Identity;

using Microsoft.AspNetCore.Identity;

/// <summary>A person who signs in to the portal.</summary>
public sealed class PortalUser : IdentityUser
{
    /// <summary>Set for Customer users only: the one customer they belong to.</summary>
    public Guid? CustomerId { get; set; }

    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
