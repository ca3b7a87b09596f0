namespace Portal.Core.Buckets;

using Portal.Core.KeyTemplates;

/// <summary>
/// Keeps every key and prefix a user asks for inside the connection's path prefix. S3 itself treats
/// keys as plain strings, but HTTP stacks and tools normalise <c>.</c>/<c>..</c> segments, backslashes
/// and leading slashes, so anything that could be read as a path step is refused rather than guessed at,
/// both as given and once more URL-decoded (a value that was encoded twice is refused too).
/// </summary>
public static class BucketPaths
{
    /// <summary>The S3 prefix to list for <paramref name="requested"/> (the connection's prefix when empty); null when it is outside or malformed.</summary>
    public static string? Prefix(string? connectionPrefix, string? requested)
    {
        var root = PathPrefix.Normalise(connectionPrefix);
        if (string.IsNullOrEmpty(requested)) return root;
        return IsSafe(requested) && requested.StartsWith(root, StringComparison.Ordinal) ? requested : null;
    }

    /// <summary>A folder (ends with '/', or is the bucket root) under the connection's prefix; null when outside or malformed.</summary>
    public static string? Folder(string? connectionPrefix, string? requested)
    {
        if (string.IsNullOrEmpty(requested)) return PathPrefix.Normalise(connectionPrefix);
        return Prefix(connectionPrefix, requested.EndsWith('/') ? requested : requested + "/");
    }

    /// <summary>An object key under the connection's prefix; null when outside, malformed or a folder root itself.</summary>
    public static string? Key(string? connectionPrefix, string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        var root = PathPrefix.Normalise(connectionPrefix);
        return key.Length > root.Length && Prefix(connectionPrefix, key) is not null ? key : null;
    }

    /// <summary>The last segment of a key or folder, for display (<c>a/b/c.csv</c> → <c>c.csv</c>, <c>a/b/</c> → <c>b/</c>).</summary>
    public static string Name(string keyOrFolder)
    {
        if (keyOrFolder.Length <= 1) return keyOrFolder;
        var end = keyOrFolder.EndsWith('/') ? keyOrFolder.Length - 1 : keyOrFolder.Length;
        var start = keyOrFolder.LastIndexOf('/', Math.Max(0, end - 1)) + 1;
        return keyOrFolder[start..];
    }

    /// <summary>The folder holding a key (with its '/'), or "" at the bucket root.</summary>
    public static string Parent(string keyOrFolder)
    {
        var end = keyOrFolder.EndsWith('/') ? keyOrFolder.Length - 1 : keyOrFolder.Length;
        return end <= 0 ? "" : keyOrFolder[..(keyOrFolder.LastIndexOf('/', end - 1) + 1)];
    }

    /// <summary>Breadcrumbs from the connection's prefix down to <paramref name="folder"/>: each segment's name and folder.</summary>
    public static IReadOnlyList<(string Name, string Folder)> Crumbs(string? connectionPrefix, string folder)
    {
        var root = PathPrefix.Normalise(connectionPrefix);
        var crumbs = new List<(string, string)> { (root.Length == 0 ? "/" : root, root) };
        if (!folder.StartsWith(root, StringComparison.Ordinal)) return crumbs;
        var at = root.Length;
        while (at < folder.Length)
        {
            var slash = folder.IndexOf('/', at);
            if (slash < 0) break;
            crumbs.Add((folder[at..slash], folder[..(slash + 1)]));
            at = slash + 1;
        }
        return crumbs;
    }

    private static bool IsSafe(string value) => IsPlain(value) && IsPlain(Uri.UnescapeDataString(value));

    private static bool IsPlain(string value)
    {
        if (value.StartsWith('/') || value.Contains('\\', StringComparison.Ordinal)) return false;
        foreach (var c in value)
        {
            if (char.IsControl(c)) return false;
        }
        foreach (var segment in value.Split('/'))
        {
            if (segment is "." or "..") return false;
        }
        return true;
    }
}
