namespace Portal.Core.Secrets;

/// <summary>How a saved secret is shown again: never the value, only its last four characters.</summary>
public static class SecretMask
{
    public const string Dots = "••••";

    /// <summary>The hint stored beside a secret: its last 4 characters (fewer for very short secrets).</summary>
    public static string HintOf(string secret)
    {
        // A secret of 8 characters or fewer would be half revealed by 4: show nothing of it.
        if (secret.Length <= 8) return "";
        return secret[^4..];
    }

    /// <summary>
    /// A connection string shows nothing of itself: its last characters are most often a password's tail
    /// (<c>…;Password=hunter2</c>).
    /// </summary>
    public static string ConnectionStringHint(string connectionString) => "";

    /// <summary>The masked form for display, e.g. <c>••••WXYZ</c>.</summary>
    public static string Mask(string? hint) => Dots + (hint ?? "");
}
