namespace Portal.Infrastructure.Buckets;

using Amazon.S3;
using Amazon.S3.Model;

/// <summary>
/// A seekable, read-only view of an S3 object made of ranged GETs, for readers that need random access
/// (a parquet footer sits at the end of the file). Reads are served from one window of at least
/// <see cref="BlockSize"/> bytes; a read near the end fetches the whole tail, so a footer costs one request.
/// Fetching more than <c>maxBytes</c> in all throws <see cref="PreviewLimitException"/> instead.
/// </summary>
public sealed class S3RangeStream(IAmazonS3 s3, string bucket, string key, long length, long maxBytes) : Stream
{
    public const int BlockSize = 1024 * 1024;

    private byte[] _window = [];
    private long _windowStart;
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
        if (_position < _windowStart || _position >= _windowStart + _window.Length)
            await FetchAsync(_position, buffer.Length, cancellationToken);
        var offset = (int)(_position - _windowStart);
        var count = Math.Min(buffer.Length, _window.Length - offset);
        _window.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Some readers read synchronously; the preview runs on a thread-pool thread, where waiting is safe.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    private async Task FetchAsync(long from, int wanted, CancellationToken cancellationToken)
    {
        var size = Math.Max(wanted, BlockSize);
        var tail = length - from <= size;
        var start = tail ? Math.Max(0, length - size) : from;
        var end = tail ? length - 1 : from + size - 1;
        var bytes = end - start + 1;
        if (BytesFetched + bytes > maxBytes) throw new PreviewLimitException(maxBytes);
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(start, end) }, cancellationToken);
        var window = new byte[bytes];
        await response.ResponseStream.ReadExactlyAsync(window, cancellationToken);
        BytesFetched += bytes;
        (_window, _windowStart) = (window, start);
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A preview would have to read more than its limit.</summary>
public sealed class PreviewLimitException(long limit) : Exception($"A preview reads at most {Portal.Core.Buckets.ByteSize.Format(limit)} of an object.");
