namespace Portal.Core.Access;

using System.Security.Cryptography;
using System.Text;

/// <summary>Creates API token strings and the hashes they are looked up by.</summary>
public static class ApiTokenSecret
{
    /// <summary>Every token starts with this, so leaked tokens are easy to scan for.</summary>
    public const string Prefix = "ptl_";

    /// <summary>A new token: the prefix and 256 random bits, URL-safe.</summary>
    public static string Create() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The SHA-256 of a token in lower-case hex. A fast hash is enough: tokens are random, not guessable.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The part of a token safe to show again (prefix and 4 characters).</summary>
    public static string DisplayPrefix(string token) => token.Length <= Prefix.Length + 4 ? token : token[..(Prefix.Length + 4)];

    /// <summary>True when a string has the shape of a portal token.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: > 20 and < 200 } && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(Prefix.Length).IndexOfAnyExcept(UrlSafe) < 0;

    private static readonly System.Buffers.SearchValues<char> UrlSafe =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
