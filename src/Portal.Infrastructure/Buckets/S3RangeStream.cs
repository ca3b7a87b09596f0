namespace Portal.Infrastructure.Buckets;

using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Formats;

/// <summary>
/// A seekable, read-only view of an S3 object made of ranged GETs, for readers that need random access
/// (a parquet footer sits at the end of the file). Fetched blocks (1 MiB, or 64 KiB near the end, where
/// footers are) are kept in a few windows, so a reader that goes back to the head or the footer does not
/// fetch them again. Fetching more than <c>maxBytes</c> in all throws <see cref="PreviewLimitException"/> instead.
/// </summary>
public sealed class S3RangeStream(IAmazonS3 s3, string bucket, string key, long length, long maxBytes) : Stream
{
    public const int BlockSize = 1024 * 1024;
    public const int TailSize = 64 * 1024;
    private const int Windows = 4;

    private readonly List<(long Start, byte[] Bytes)> _windows = [];
    private long _position;

    /// <summary>Bytes fetched from S3 so far.</summary>
    public long BytesFetched { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, length);
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        var window = _windows.FindLast(w => _position >= w.Start && _position < w.Start + w.Bytes.Length);
        if (window.Bytes is null) window = await FetchAsync(_position, buffer.Length, cancellationToken);
        var offset = (int)(_position - window.Start);
        var count = Math.Min(buffer.Length, window.Bytes.Length - offset);
        window.Bytes.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Some readers read synchronously; the preview runs on a thread-pool thread, where waiting is safe.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task<(long Start, byte[] Bytes)> FetchAsync(long from, int wanted, CancellationToken cancellationToken)
    {
        // Near the end (a footer) a small block does; elsewhere a larger one saves requests, but never more
        // than half of what is left of the limit, so a read of the file's head leaves room for its footer.
        var left = Math.Max(0, maxBytes - BytesFetched);
        var block = (int)(length - from <= TailSize ? Math.Min(TailSize, left) : Math.Min(BlockSize, left / 2));
        var size = Math.Max(wanted, block);
        var tail = length - from <= size;
        var start = tail ? Math.Max(0, length - size) : from;
        var end = tail ? length - 1 : from + size - 1;
        var bytes = end - start + 1;
        if (BytesFetched + bytes > maxBytes) throw new PreviewLimitException(maxBytes);
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(start, end) }, cancellationToken);
        var window = (start, new byte[bytes]);
        await response.ResponseStream.ReadExactlyAsync(window.Item2, cancellationToken);
        BytesFetched += bytes;
        if (_windows.Count == Windows) _windows.RemoveAt(0);
        _windows.Add(window);
        return window;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A preview would have to read more than its limit.</summary>
public sealed class PreviewLimitException(long limit) : Exception($"A preview reads at most {ByteSizes.Human(limit)} of an object.");
