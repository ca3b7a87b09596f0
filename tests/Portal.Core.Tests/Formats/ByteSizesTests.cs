namespace Portal.Core.Tests.Formats;

using Portal.Core.Formats;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(65536, "64 KiB")]
    [InlineData(1_100_000, "1.05 MiB")]
    [InlineData(134217728, "128 MiB")]
    [InlineData(5368709120, "5 GiB")]
    [InlineData(10 * 1024 * 1024 + 512 * 1024, "10.5 MiB")]
    [InlineData(150L * 1024 * 1024 * 1024, "150 GiB")]
    [InlineData(5L * 1024 * 1024 * 1024 * 1024 * 1024, "5 PiB")]
    public void Human_ShouldUseBinaryUnits(long bytes, string expected) => Assert.Equal(expected, ByteSizes.Human(bytes));

    [Theory]
    [InlineData(0.25, "250 ms")]
    [InlineData(42, "42 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(7620, "2 h 07 min")]
    [InlineData(-3, "0 ms")]
    public void Duration_ShouldReadNaturally(double seconds, string expected) => Assert.Equal(expected, ByteSizes.Duration(TimeSpan.FromSeconds(seconds)));
}
