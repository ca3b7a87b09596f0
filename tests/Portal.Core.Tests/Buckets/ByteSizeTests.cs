namespace Portal.Core.Tests.Buckets;

using Portal.Core.Buckets;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(65536, "64 KiB")]
    [InlineData(1_100_000, "1.0 MiB")]
    [InlineData(134217728, "128 MiB")]
    [InlineData(5368709120, "5 GiB")]
    public void Sizes_read_in_binary_units(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
