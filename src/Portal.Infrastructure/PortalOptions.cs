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

    public static string ResolveDataDirectory(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[$"{Section}:{nameof(DataDirectory)}"] ?? "App_Data";
        return Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
    }
}
