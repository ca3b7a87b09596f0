namespace Portal.Core.Notifications;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

/// <summary>
/// The <c>Portal-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex of HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>.
/// A receiver recomputes it over the raw body and rejects a stale <c>t</c>, so a captured message cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Portal-Signature";

    /// <summary>A new signing secret: 32 random bytes, as the receiver stores it.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Whether a header signs <paramref name="body"/> with <paramref name="secret"/> within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header)) return false;
        string? t = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t") t = value;
            else if (key == "v1") candidates.Add(value);
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var signed = Sign(secret, seconds, body);
        var expected = Encoding.ASCII.GetBytes(signed[(signed.IndexOf("v1=", StringComparison.Ordinal) + 3)..]);
        return candidates.Any(c => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(c), expected));
    }
}
