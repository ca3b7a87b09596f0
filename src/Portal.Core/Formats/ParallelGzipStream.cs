namespace Portal.Core.Formats;

using System.Buffers;
using System.IO.Compression;

/// <summary>
/// gzip on every core, pigz's way: the bytes written are cut into blocks, each block is compressed on the thread pool
/// as a gzip member of its own, and the members are written to the inner stream in order. Members one after another
/// are one valid gzip file (RFC 1952, 2.2): <c>gzip -d</c>, Python's <c>gzip</c> and .NET's <see cref="GZipStream"/>
/// read them as the bytes written. Blocks in flight are bounded by a <see cref="BlockBudget"/> shared by every stream
/// of the process, so memory stays flat however many tables are written at once.
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    private readonly Stream _inner;
    private readonly int _level;
    private readonly int _blockSize;
    private readonly BlockBudget _budget;
    private readonly Queue<(Task<Compressed> Block, int Raw)> _inFlight = new();
    private byte[]? _block;
    private int _filled;
    private bool _completed;

    /// <param name="level">zlib's level, 0 (stored) to 9 (<see cref="FileFormats.LevelOf"/>).</param>
    public ParallelGzipStream(Stream inner, int level, int blockSize, BlockBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        (_inner, _level, _blockSize, _budget) = (inner, level, blockSize, budget ?? BlockBudget.Shared);
    }

    /// <summary>Bytes taken in so far (before compression).</summary>
    public long RawBytes { get; private set; }

    /// <summary>Blocks handed to the compressors so far; it changes when a block boundary was crossed.</summary>
    public long BlocksStarted { get; private set; }

    /// <summary>Raw bytes not yet written to the inner stream: the blocks in flight and the block being filled.</summary>
    public long PendingRawBytes => _inFlight.Sum(b => (long)b.Raw) + _filled;

    /// <summary>The most a block of <paramref name="raw"/> bytes can take compressed (deflate's stored blocks and the gzip frame).</summary>
    public static long Bound(long raw) => raw + (raw >> 10) + 64;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_completed;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => RawBytes;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (buffer.Length > 0)
        {
            _block ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            var take = Math.Min(buffer.Length, _blockSize - _filled);
            buffer.Span[..take].CopyTo(_block.AsSpan(_filled));
            (_filled, RawBytes, buffer) = (_filled + take, RawBytes + take, buffer[take..]);
            if (_filled == _blockSize) await StartBlockAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Write asynchronously.");

    /// <summary>Writes out every block in flight, in order (the block being filled stays open).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_inFlight.Count > 0) await WriteOldestAsync(cancellationToken);
    }

    /// <summary>Compresses what is left and writes every block: the gzip file is complete. Nothing may be written after.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed) return;
        if (_filled > 0 || RawBytes == 0) await StartBlockAsync(cancellationToken); // an empty file is one empty member
        await DrainAsync(cancellationToken);
        _completed = true;
    }

    /// <summary>Flushing completes the blocks written so far into members of their own (the file stays valid).</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_filled > 0) await StartBlockAsync(cancellationToken);
        await DrainAsync(cancellationToken);
        await _inner.FlushAsync(cancellationToken);
    }

    public override void Flush() => throw new NotSupportedException("Flush asynchronously.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task StartBlockAsync(CancellationToken ct)
    {
        // Completed blocks go out first; then a slot of the shared budget, waiting on this stream's own oldest block
        // (which frees one) before waiting on other streams.
        while (_inFlight.Count > 0 && _inFlight.Peek().Block.IsCompleted) await WriteOldestAsync(ct);
        while (!_budget.TryTake())
        {
            if (_inFlight.Count > 0)
            {
                await WriteOldestAsync(ct);
                continue;
            }
            await _budget.TakeAsync(ct).ConfigureAwait(false);
            break;
        }
        var (block, length, level) = (_block ?? ArrayPool<byte>.Shared.Rent(1), _filled, _level);
        _block = null;
        _filled = 0;
        _inFlight.Enqueue((Task.Run(() => Compress(block, length, level), CancellationToken.None), length));
        BlocksStarted++;
    }

    private async Task WriteOldestAsync(CancellationToken ct)
    {
        var (task, _) = _inFlight.Dequeue();
        var compressed = await task.ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(compressed.Bytes.AsMemory(0, compressed.Length), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed.Bytes);
            _budget.Give();
        }
    }

    private readonly record struct Compressed(byte[] Bytes, int Length);

    private static ReadOnlySpan<byte> EmptyMember => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static Compressed Compress(byte[] block, int length, int level)
    {
        try
        {
            var output = new PooledBufferStream(length / 2 + 256);
            // GZipStream writes nothing at all for no bytes: an empty member is written out whole (header, empty deflate block, trailer).
            if (length == 0) output.Write(EmptyMember);
            else using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true)) gzip.Write(block, 0, length);
            return new Compressed(output.Detach(), output.WrittenCount);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Release();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Release();
        return base.DisposeAsync();
    }

    // Abandoned (the upload failed or was aborted): the blocks in flight finish and their buffers go back to the pool.
    private void Release()
    {
        while (_inFlight.Count > 0)
        {
            var (task, _) = _inFlight.Dequeue();
            task.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) ArrayPool<byte>.Shared.Return(t.Result.Bytes);
            }, TaskScheduler.Default);
            _budget.Give();
        }
        if (_block is { } open) ArrayPool<byte>.Shared.Return(open);
        _block = null;
        _completed = true;
    }

    /// <summary>A growing write-only buffer of pooled arrays.</summary>
    private sealed class PooledBufferStream(int initial) : Stream
    {
        private byte[] _bytes = ArrayPool<byte>.Shared.Rent(initial);

        public int WrittenCount { get; private set; }

        public byte[] Detach() => _bytes;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (WrittenCount + buffer.Length > _bytes.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, WrittenCount + buffer.Length));
                _bytes.AsSpan(0, WrittenCount).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = bigger;
            }
            buffer.CopyTo(_bytes.AsSpan(WrittenCount));
            WrittenCount += buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => WrittenCount;

        public override long Position
        {
            get => WrittenCount;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>
/// How many compressed blocks may be in flight at once in the whole process (each holds up to two block buffers): the
/// bound that keeps memory flat however many streams compress at the same time. Twice the cores by default.
/// </summary>
public sealed class BlockBudget(int blocks) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(blocks, blocks);

    public void Dispose() => _slots.Dispose();

    public static BlockBudget Shared { get; } = new(Math.Max(2, Environment.ProcessorCount * 2));

    public bool TryTake() => _slots.Wait(0);

    public Task TakeAsync(CancellationToken ct) => _slots.WaitAsync(ct);

    public void Give() => _slots.Release();
}
