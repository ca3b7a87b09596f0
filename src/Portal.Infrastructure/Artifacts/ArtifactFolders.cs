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
        if (!(resolved + "/").StartsWith(root, StringComparison.Ordinal))
            return $"The folder {folder} is outside {root} (Portal:Artifacts:Root){(resolved != Path.GetFullPath(full) ? $": it leads to {resolved}" : "")}.";
        if (!Directory.Exists(resolved)) return $"The folder {folder} does not exist.";
        return null;
    }

    /// <summary>The folder's real path, with every symbolic link on the way followed.</summary>
    public static string Resolve(string path, int depth = 0)
    {
        if (depth > 40) throw new IOException($"Too many symbolic links under {path}.");
        var current = "/";
        foreach (var part in Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next))
            {
                var target = info.LinkTarget ?? new DirectoryInfo(next).LinkTarget;
                if (target is not null) next = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(current, target), depth + 1);
            }
            current = next;
        }
        return current;
    }
}
