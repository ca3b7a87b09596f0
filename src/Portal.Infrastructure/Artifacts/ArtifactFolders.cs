namespace Portal.Infrastructure.Artifacts;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

/// <summary>Where dbt artifacts may be read from (<c>Portal:Artifacts</c>).</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Portal:Artifacts";

    /// <summary>Command folders must lie under this folder; relative to the data folder. Default: <c>artifacts</c>.</summary>
    public string Root { get; set; } = "artifacts";
}

/// <summary>
/// Checks a command's folder: it must exist and lie under the root once every symbolic link on the
/// way is followed, so a link cannot lead the portal out of the folders it was given.
/// </summary>
public sealed class ArtifactFolders(IOptions<ArtifactOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    public string Root => Resolve(Path.Combine(PortalOptions.ResolveDataDirectory(configuration, environment.ContentRootPath), options.Value.Root));

    /// <summary>Why the folder cannot be used, or null when it can.</summary>
    public string? Problem(string folder)
    {
        var root = Root.TrimEnd('/') + "/";
        var full = Path.IsPathRooted(folder) ? folder : Path.Combine(Root, folder);
        var resolved = Resolve(full);
        if (!ContainedPaths.IsWithin(resolved, Root))
            return $"The folder {folder} is outside {root} (Portal:Artifacts:Root){(resolved != Path.GetFullPath(full) ? $": it leads to {resolved}" : "")}.";
        if (!Directory.Exists(resolved)) return $"The folder {folder} does not exist.";
        // Its target/ (once dbt made it) and the run results in it must stay inside too: a link there would lead the sync out.
        foreach (var inside in new[] { Path.Combine(resolved, "target"), Path.Combine(resolved, "target", "run_results.json") })
            if ((File.Exists(inside) || Directory.Exists(inside) || new FileInfo(inside).LinkTarget is not null) && Escapes(inside) is { } problem) return problem;
        return null;
    }

    /// <summary>Why a path inside a command's folder (its <c>target/</c>, a file in it) cannot be read: it leads out of the root. Null when it stays inside.</summary>
    public string? Escapes(string path)
    {
        var resolved = Resolve(path);
        return ContainedPaths.IsWithin(resolved, Root) ? null : $"{path} leads out of {Root} (Portal:Artifacts:Root), to {resolved}: links out of the root are not followed.";
    }

    /// <summary>The folder's real path, with every symbolic link on the way followed where it stands.</summary>
    public static string Resolve(string path) => ContainedPaths.Resolve(path);
}
