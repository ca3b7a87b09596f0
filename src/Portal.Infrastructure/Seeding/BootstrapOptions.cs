namespace Portal.Infrastructure.Seeding;

/// <summary>The first admin and an optional API token, from configuration (<c>Portal:Bootstrap</c>). No defaults in code.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Portal:Bootstrap";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    /// <summary>A token (at least 32 characters) that authenticates as the bootstrap admin on <c>/api/v1</c>.</summary>
    public string? AdminApiToken { get; set; }
}
