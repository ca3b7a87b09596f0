namespace Portal.Infrastructure.Actors;

using Portal.Core.Access;

/// <summary>Who is acting in this scope: a signed-in user, an API token's user, or the system.</summary>
public interface ICurrentActor
{
    /// <summary>The user's id, or null for the system.</summary>
    string? UserId { get; }

    /// <summary>A name for the audit log.</summary>
    string Name { get; }

    /// <summary>Which customers this actor may see; evaluated on every query.</summary>
    TenantAccess Access { get; }
}
