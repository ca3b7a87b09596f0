namespace Portal.Core.Tests.Notifications;

using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Portal.Core.Notifications;

public sealed class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void The_header_is_t_and_the_hex_hmac_of_t_dot_body()
    {
        var header = WebhookSignature.Sign("whsec_k", 1_800_000_000, "{\"a\":1}");

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_k"), Encoding.UTF8.GetBytes("1800000000.{\"a\":1}")));
        Assert.Equal($"t=1800000000,v1={expected}", header);
    }

    [Fact]
    public void Any_body_signed_verifies_and_any_change_of_body_secret_or_time_does_not() =>
        Gen.String.Select(Gen.String[1, 40], Gen.Char).Sample((body, secret, extra) =>
        {
            var header = WebhookSignature.Sign(secret, Now.ToUnixTimeSeconds(), body);
            Assert.True(WebhookSignature.Verify(secret, header, body, Now, TimeSpan.FromMinutes(5)));
            Assert.False(WebhookSignature.Verify(secret, header, body + extra, Now, TimeSpan.FromMinutes(5)));
            Assert.False(WebhookSignature.Verify(secret + extra, header, body, Now, TimeSpan.FromMinutes(5)));
            Assert.False(WebhookSignature.Verify(secret, header, body, Now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=abc")]
    [InlineData("t=-5,v1=abc")]
    public void A_missing_or_malformed_header_does_not_verify(string? header) =>
        Assert.False(WebhookSignature.Verify("s", header, "{}", Now, TimeSpan.FromMinutes(5)));

    [Fact]
    public void Secrets_are_new_each_time() => Assert.NotEqual(WebhookSignature.NewSecret(), WebhookSignature.NewSecret());
}
