namespace Portal.Core.Tests.Secrets;

using Portal.Core.Secrets;

public sealed class SecretMaskTests
{
    [Fact]
    public void Shows_dots_and_the_last_four_characters()
    {
        var hint = SecretMask.HintOf("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

        Assert.Equal("••••EKEY", SecretMask.Mask(hint));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12345678")]
    public void Short_secrets_reveal_nothing(string secret)
    {
        Assert.Equal("", SecretMask.HintOf(secret));
        Assert.Equal(SecretMask.Dots, SecretMask.Mask(SecretMask.HintOf(secret)));
    }

    [Fact]
    public void A_missing_hint_still_masks()
    {
        Assert.Equal(SecretMask.Dots, SecretMask.Mask(null));
    }
}
