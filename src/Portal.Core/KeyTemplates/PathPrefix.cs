namespace Portal.Core.KeyTemplates;

/// <summary>The connection's path prefix, joined in front of every key with exactly one '/'.</summary>
public static class PathPrefix
{
    /// <summary>The prefix as stored: trimmed, no leading '/', one trailing '/' (empty for the bucket root).</summary>
    public static string Normalise(string? prefix)
    {
        var trimmed = (prefix ?? "").Trim().Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }

    /// <summary>The full object key for a key made by a template.</summary>
    public static string Join(string? prefix, string key)
    {
        var normalised = Normalise(prefix);
        return normalised.Length == 0 ? key : string.Concat(normalised, key);
    }
}
