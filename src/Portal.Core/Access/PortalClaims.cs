namespace Portal.Core.Access;

/// <summary>Claim types the portal adds to a signed-in user.</summary>
public static class PortalClaims
{
    /// <summary>The customer a Customer user belongs to.</summary>
    public const string CustomerId = "portal:customer_id";
}
