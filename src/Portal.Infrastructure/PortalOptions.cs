namespace Portal.Infrastructure;

using Microsoft.Extensions.Configuration;

/// <summary>General settings (<c>Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Where the portal keeps its files (the SQLite database by default). Relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>Runs the Quartz workers in this process; off on web nodes of a scale-out.</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>The address people open the portal at, for links in notifications (emails, webhooks, chat messages).</summary>
    public string PublicUrl { get; set; } = "http://localhost:5000";

    public static string ResolveDataDirectory(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[$"{Section}:{nameof(DataDirectory)}"] ?? "App_Data";
        return Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
    }
}
