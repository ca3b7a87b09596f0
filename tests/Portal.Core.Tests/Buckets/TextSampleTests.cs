namespace Portal.Core.Tests.Buckets;

using System.IO.Compression;
using System.Text;
using Portal.Core.Buckets;

public sealed class TextSampleTests
{
    [Fact]
    public async Task A_short_text_is_read_whole()
    {
        var sample = await TextSample.ReadAsync(new MemoryStream("a\nb\nc"u8.ToArray()), 1024, 100, default);

        Assert.Equal(("a\nb\nc", 3, false, false), (sample.Text, sample.Lines, sample.Truncated, sample.Binary));
    }

    [Fact]
    public async Task Reading_stops_after_the_line_limit()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));

        var sample = await TextSample.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), 65536, 100, default);

        Assert.Equal(100, sample.Lines);
        Assert.True(sample.Truncated);
        Assert.EndsWith("line 99\n", sample.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_stops_at_the_byte_limit_without_splitting_a_character()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('ü', 100)); // two bytes each

        var sample = await TextSample.ReadAsync(new MemoryStream(bytes), 11, 100, default);

        Assert.Equal(new string('ü', 5), sample.Text);
        Assert.True(sample.Truncated);
    }

    [Fact]
    public async Task A_gzip_stream_is_decompressed_only_as_far_as_the_sample_needs()
    {
        var raw = new MemoryStream();
        await using (var gzip = new GZipStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var line = Encoding.UTF8.GetBytes("{\"id\": 1, \"name\": \"x\"}\n");
            for (var i = 0; i < 1_000_000; i++) gzip.Write(line);
        }
        raw.Position = 0;
        var counting = new CountingReadStream(raw);

        var sample = await TextSample.ReadAsync(new GZipStream(counting, CompressionMode.Decompress), 65536, 100, default);

        Assert.Equal(100, sample.Lines);
        Assert.True(counting.BytesRead < raw.Length / 4, $"read {counting.BytesRead} of {raw.Length} compressed bytes");
    }

    [Fact]
    public async Task Nul_bytes_or_invalid_utf8_make_a_sample_binary()
    {
        Assert.True((await TextSample.ReadAsync(new MemoryStream([1, 2, 0, 3]), 1024, 100, default)).Binary);
        Assert.True((await TextSample.ReadAsync(new MemoryStream([0x41, 0xFF, 0xFE, 0x41]), 1024, 100, default)).Binary);
    }

    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
