namespace Portal.Infrastructure;

/// <summary>
/// Paths that must stay inside a configured root (SQLite sources, dbt artifact folders), resolved the way the
/// kernel resolves them when the file is opened: component by component, every symbolic link followed where
/// it stands, and <c>..</c> taken from the real folder reached so far, not from the text. Resolving the text
/// first and the links after (or only the last component) lets <c>root/link/../x</c> or a linked folder on the
/// way lead out of the root.
/// </summary>
public static class ContainedPaths
{
    private const int MaxLinks = 40;

    /// <summary>The real path <paramref name="path"/> leads to. Parts that do not exist yet are kept as written.</summary>
    public static string Resolve(string path)
    {
        // Not Path.GetFullPath: it drops "dir/.." from the text before any link is seen.
        var pending = new LinkedList<string>(Split(Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path)));
        var current = "/";
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            var next = Path.Join(current, part);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"Too many symbolic links in {path}.");
            // The link's target takes its place; a relative one is read from the folder the link is in.
            if (Path.IsPathRooted(target)) current = "/";
            foreach (var p in Split(target).Reverse()) pending.AddFirst(p);
        }
        return current;
    }

    /// <summary>Whether <paramref name="resolved"/> (a result of <see cref="Resolve"/>) is <paramref name="root"/> or lies below it.</summary>
    public static bool IsWithin(string resolved, string root)
    {
        var r = Resolve(root).TrimEnd('/');
        return resolved == r || resolved.StartsWith(r + "/", StringComparison.Ordinal);
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists || Directory.Exists(path) ? info.LinkTarget ?? new DirectoryInfo(path).LinkTarget : info.LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] Split(string path) => path.Split('/');
}
