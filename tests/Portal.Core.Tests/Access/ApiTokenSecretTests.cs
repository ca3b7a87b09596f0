namespace Portal.Core.Tests.Access;

using Portal.Core.Access;

public sealed class ApiTokenSecretTests
{
    [Fact]
    public void Created_tokens_are_prefixed_url_safe_and_unique()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => ApiTokenSecret.Create()).ToList();

        Assert.All(tokens, t => Assert.StartsWith(ApiTokenSecret.Prefix, t, StringComparison.Ordinal));
        Assert.All(tokens, t => Assert.True(ApiTokenSecret.LooksValid(t), t));
        Assert.All(tokens, t => Assert.DoesNotContain('=', t));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        // 32 random bytes as base64url without padding: 43 characters.
        Assert.All(tokens, t => Assert.Equal(ApiTokenSecret.Prefix.Length + 43, t.Length));
    }

    [Fact]
    public void The_hash_is_stable_lowercase_sha256_hex()
    {
        // SHA-256("abc"), a published test vector.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiTokenSecret.Hash("abc"));
        var token = ApiTokenSecret.Create();
        Assert.Equal(ApiTokenSecret.Hash(token), ApiTokenSecret.Hash(token));
        Assert.NotEqual(ApiTokenSecret.Hash(token), ApiTokenSecret.Hash(token + "x"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ptl_short")]
    [InlineData("abc_0123456789012345678901234567890123456789")]
    [InlineData("ptl_01234567890123456789012345678901234567+/")]
    public void Malformed_tokens_are_recognised(string? token)
    {
        Assert.False(ApiTokenSecret.LooksValid(token));
    }

    [Fact]
    public void The_display_prefix_reveals_only_four_characters_after_the_prefix()
    {
        var token = ApiTokenSecret.Create();

        var shown = ApiTokenSecret.DisplayPrefix(token);

        Assert.Equal(ApiTokenSecret.Prefix.Length + 4, shown.Length);
        Assert.StartsWith(shown, token, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_is_active_until_revoked_or_expired()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var token = new ApiToken { UserId = "u", Name = "n", TokenHash = "h", DisplayPrefix = "p", ExpiresAt = now.AddDays(1) };

        Assert.True(token.IsActive(now));
        Assert.False(token.IsActive(now.AddDays(1)));
        token.RevokedAt = now;
        Assert.False(token.IsActive(now));
    }
}
