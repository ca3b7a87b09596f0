namespace Portal.Web.Auth;

/// <summary>Sign-in settings (<c>Portal:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Portal:Auth";

    /// <summary>How often open circuits and cookies re-check the user (removed users or roles stop working by then).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
