namespace Portal.Core.Tests.Connections;

using Portal.Core.Connections;

public sealed class ExternalIdsTests
{
    [Fact]
    public void External_ids_carry_at_least_128_random_bits_and_are_url_safe()
    {
        var ids = Enumerable.Range(0, 500).Select(_ => ExternalIds.Create()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        // 24 bytes = 192 bits, base64 without padding = 32 characters from the URL-safe alphabet.
        Assert.All(ids, id => Assert.Equal(32, id.Length));
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]+$", id));
    }
}
