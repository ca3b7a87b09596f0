namespace Portal.Core.Tests.Parts;

using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsCheck;
using Portal.Core.Formats;
using Portal.Core.Parts;

public sealed class PartRollerTests
{
    private static readonly SourceColumn[] Columns = [new("id", ColumnKind.Integer, "INTEGER"), new("text", ColumnKind.Text, "TEXT")];

    /// <summary>An object in memory: what the roller wrote, and how it ended.</summary>
    private sealed class MemoryUpload(string key) : IObjectUpload
    {
        public MemoryStream Stored { get; } = new();
        public long? Rows { get; private set; }
        public bool Aborted { get; private set; }
        public string Key => key;
        public string? UploadId => null;
        public Stream Content => Stored;
        public long BytesWritten => Stored.Length;

        public Task<(long Bytes, string Sha256)> CompleteAsync(long rows, CancellationToken cancellationToken)
        {
            Rows = rows;
            return Task.FromResult((Stored.Length, Convert.ToHexStringLower(SHA256.HashData(Stored.ToArray()))));
        }

        public Task AbortAsync(CancellationToken cancellationToken)
        {
            Aborted = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static async Task<(PartRoller Roller, List<MemoryUpload> Uploads)> RollAsync(
        IReadOnlyList<object?[]> rows, long limit, string format = "ndjson", string compression = "gzip", int level = 1)
    {
        var uploads = new List<MemoryUpload>();
        var roller = new PartRoller(part =>
        {
            var upload = new MemoryUpload($"t_{part}");
            uploads.Add(upload);
            return upload;
        }, Columns, format, compression, limit, level);
        foreach (var row in rows) await roller.WriteRowAsync(row, default);
        await roller.CompleteAsync(default);
        return (roller, uploads);
    }

    private static string Text(MemoryUpload upload, string compression)
    {
        var bytes = upload.Stored.ToArray();
        if (compression == FileFormats.NoCompression) return Encoding.UTF8.GetString(bytes);
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static List<object?[]> Rows(int count, Func<int, int> length, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(1, count).Select(i => new object?[] { (long)i, new string((char)('a' + random.Next(26)), length(i)) + random.Next() }).ToList();
    }

    [Fact]
    public void Parts_close_at_the_limit_as_stored_end_at_most_one_block_past_it_and_hold_every_row_once_in_order() =>
        Gen.Select(Gen.Int[0, 3000], Gen.Int[0, 400], Gen.Int[1024, 200_000], Gen.Bool.Select(b => b ? "gzip" : "none"), Gen.Int[0, 1000]).Sample((count, width, limit, compression, seed) =>
        {
            var rows = Rows(count, i => (i * 7919 + seed) % (width + 1), seed);
            var (roller, uploads) = RollAsync(rows, limit, compression: compression).GetAwaiter().GetResult();
            var longestRow = rows.Count == 0 ? 0 : rows.Max(r => ((string)r[1]!).Length + 40);
            // gzip: at most one block (and the row that crossed it) past the limit; plain: the writer's 64 KiB buffer.
            var allowance = compression == "gzip" ? ParallelGzipStream.Bound(roller.BlockSize + longestRow) : 64 * 1024 + longestRow;
            var ids = uploads.SelectMany(u => Text(u, compression).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();
            return ids.SequenceEqual(rows.Select(r => (long)r[0]!))
                && uploads.SkipLast(1).All(u => u.Stored.Length >= limit)
                && uploads.All(u => u.Stored.Length <= limit + allowance)
                && roller.Files.Select(f => f.Rows).SequenceEqual(uploads.Select(u => u.Rows ?? -1))
                && roller.Files.Sum(f => f.Rows) == count && roller.Rows == count
                && roller.Files.Select(f => f.Key).SequenceEqual(uploads.Select((_, i) => $"t_{i}"))
                && (count == 0) == (uploads.Count == 0);
        }, iter: 60);

    [Fact]
    public async Task Blocks_still_compressing_when_the_limit_nears_are_written_before_the_part_is_judged()
    {
        // Incompressible rows at the slowest level: several blocks are in flight whenever one is started.
        var random = new Random(7);
        var rows = Enumerable.Range(1, 60_000).Select(i =>
        {
            var bytes = new byte[150];
            random.NextBytes(bytes);
            return new object?[] { (long)i, Convert.ToBase64String(bytes) };
        }).ToList();
        const long limit = 1536 * 1024;
        var (roller, uploads) = await RollAsync(rows, limit, level: 9);

        Assert.True(uploads.Count >= 4, $"{uploads.Count} parts");
        Assert.All(uploads.SkipLast(1), u => Assert.InRange(u.Stored.Length, limit, limit + ParallelGzipStream.Bound(roller.BlockSize + 300)));
    }

    [Fact]
    public async Task An_empty_table_starts_no_part()
    {
        var (roller, uploads) = await RollAsync([], 1024);
        Assert.Empty(uploads);
        Assert.Empty(roller.Files);
    }

    [Theory]
    [InlineData("ndjson", "gzip")]
    [InlineData("csv", "gzip")]
    [InlineData("ndjson", "none")]
    [InlineData("parquet", "none")]
    public async Task A_one_row_table_is_one_part_with_that_row(string format, string compression)
    {
        var (roller, uploads) = await RollAsync([[1L, "only"]], 1024, format, compression);
        var part = Assert.Single(roller.Files);
        Assert.Equal((1L, "t_0"), (part.Rows, part.Key));
        Assert.Equal(uploads[0].Stored.Length, part.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(uploads[0].Stored.ToArray())), part.Sha256);
        if (format != "parquet") Assert.Contains("only", Text(uploads[0], compression), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_block_larger_than_the_limit_makes_parts_of_about_one_block_each()
    {
        // A 1 KiB limit with 64 KiB blocks: every block takes its part past the limit, so each part is about one block.
        var rows = Rows(20_000, _ => 60);
        var (roller, uploads) = await RollAsync(rows, 1024);
        Assert.True(roller.BlockSize > 1024);
        Assert.True(uploads.Count > 5, $"{uploads.Count} parts");
        Assert.All(uploads.SkipLast(1), u => Assert.InRange(u.Stored.Length, 1024, ParallelGzipStream.Bound(roller.BlockSize + 200) + 1024));
        Assert.Equal(20_000, roller.Files.Sum(f => f.Rows));
    }

    [Fact]
    public async Task Aborting_aborts_the_part_being_written_and_nothing_else()
    {
        var uploads = new List<MemoryUpload>();
        await using var roller = new PartRoller(part =>
        {
            var u = new MemoryUpload($"t_{part}");
            uploads.Add(u);
            return u;
        }, Columns, "ndjson", "gzip", 1024);
        foreach (var row in Rows(5000, _ => 50)) await roller.WriteRowAsync(row, default);

        Assert.Null(await roller.AbortAsync(TimeSpan.FromSeconds(5)));
        Assert.True(uploads[^1].Aborted);
        Assert.All(uploads.SkipLast(1), u => Assert.False(u.Aborted));
    }
}
