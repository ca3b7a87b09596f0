namespace Portal.Core.Tests.Formats;

using System.IO.Compression;
using CsCheck;
using Portal.Core.Formats;

public sealed class ParallelGzipStreamTests
{
    private static async Task<(byte[] Gzip, ParallelGzipStream Stream)> CompressAsync(byte[] data, int blockSize, IEnumerable<int> writes, int level = 5, BlockBudget? budget = null)
    {
        var output = new MemoryStream();
        var gzip = new ParallelGzipStream(output, level, blockSize, budget);
        var at = 0;
        foreach (var size in writes)
        {
            var take = Math.Min(size, data.Length - at);
            await gzip.WriteAsync(data.AsMemory(at, take));
            at += take;
        }
        await gzip.WriteAsync(data.AsMemory(at));
        await gzip.CompleteAsync(default);
        return (output.ToArray(), gzip);
    }

    private static byte[] Gunzip(byte[] gzip)
    {
        using var reader = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var back = new MemoryStream();
        reader.CopyTo(back);
        return back.ToArray();
    }

    [Fact]
    public void Any_bytes_written_in_any_pieces_read_back_the_same_through_GZipStream() =>
        Gen.Byte.Array[0, 20_000].Select(Gen.Int[1, 5000], Gen.Int[1, 3000].Array[0, 12]).Sample((data, blockSize, writes) =>
        {
            var (gzip, stream) = CompressAsync(data, blockSize, writes).GetAwaiter().GetResult();
            return Gunzip(gzip).AsSpan().SequenceEqual(data) && stream.RawBytes == data.Length
                && stream.BlocksStarted == Math.Max(1, (data.Length + blockSize - 1) / blockSize);
        }, iter: 200);

    [Theory]
    [InlineData(FileFormats.Fastest)]
    [InlineData(FileFormats.Optimal)]
    [InlineData(FileFormats.Smallest)]
    public async Task Every_level_reads_back_and_compressible_rows_shrink(string level)
    {
        var rows = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i},\"name\":\"Client {i} Müller-Øst\",\"amount\":\"{i * 1.37m}\"}}\n"));
        var data = System.Text.Encoding.UTF8.GetBytes(rows);
        var (gzip, _) = await CompressAsync(data, 64 * 1024, [7, 1 << 20], FileFormats.LevelOf(level));
        Assert.Equal(data, Gunzip(gzip));
        Assert.True(gzip.Length < data.Length / 4, $"{gzip.Length} of {data.Length}");
    }

    [Fact]
    public async Task Nothing_written_is_one_empty_member_that_reads_back_empty()
    {
        var (gzip, _) = await CompressAsync([], 1024, []);
        Assert.Empty(Gunzip(gzip));
        Assert.Equal(0x1f, gzip[0]);
    }

    [Fact]
    public async Task A_budget_of_one_block_still_completes_and_keeps_the_order()
    {
        using var budget = new BlockBudget(1);
        var data = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7 % 251)).ToArray();
        var (gzip, stream) = await CompressAsync(data, 1000, [333, 4096, 1], budget: budget);
        Assert.Equal(data, Gunzip(gzip));
        Assert.Equal(50, stream.BlocksStarted);
        Assert.True(budget.TryTake()); // every slot came back
    }

    [Fact]
    public async Task Draining_writes_every_block_in_flight_and_leaves_none_pending()
    {
        var output = new MemoryStream();
        await using var gzip = new ParallelGzipStream(output, 5, 100);
        await gzip.WriteAsync(new byte[1050]);
        await gzip.DrainAsync(default);
        Assert.Equal(50, gzip.PendingRawBytes); // only the block being filled
        Assert.True(output.Length > 0);
        Assert.True(ParallelGzipStream.Bound(100) >= 100 + 18); // a stored block and gzip's frame
    }
}
