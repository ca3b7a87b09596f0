namespace Portal.Core.Parts;

using System.Runtime.CompilerServices;
using Portal.Core.Formats;

/// <summary>
/// Writes one stream's rows as numbered parts (<c>{part}</c> 0, 1, …): a part is closed once its size as stored (after
/// compression) has reached the limit, and a new one starts with the next row. A stream without rows writes no part.
/// <para>
/// gzip is compressed in blocks on every core (<see cref="ParallelGzipStream"/>); the roll is decided at block
/// boundaries. When the blocks in flight could take the part to its limit they are written first, so the stored size
/// decides: a part ends at most one block (and the row that crossed it) past its limit, whatever the data compresses to.
/// </para>
/// </summary>
public sealed class PartRoller(
    Func<int, IObjectUpload> start, IReadOnlyList<SourceColumn> columns, string format, string compression, long maxPartBytes,
    int level = FileFormats.OptimalLevel, BlockBudget? budget = null) : IAsyncDisposable
{
    private readonly List<PartFile> _files = [];
    private IObjectUpload? _upload;
    private ParallelGzipStream? _gzip;
    private IRowWriter? _writer;
    private long _partRows;
    private long _blocksSeen;

    /// <summary>The gzip block: a quarter of a part, between 64 KiB and 1 MiB of rows as written.</summary>
    public int BlockSize { get; } = (int)Math.Clamp(maxPartBytes / 4, 64 * 1024, 1024 * 1024);

    public IReadOnlyList<PartFile> Files => _files;

    public long Rows { get; private set; }

    /// <summary>Bytes stored so far, including the part being written.</summary>
    public long Bytes => _files.Sum(f => f.Bytes) + (_upload?.BytesWritten ?? 0);

    /// <summary>The part being written: its key and upload id (to abort it later when aborting now fails).</summary>
    public IObjectUpload? Current => _upload;

    /// <summary>Writes one row of values (see <see cref="RowBatch.AddRow(ReadOnlySpan{object?})"/>), off the hot path.</summary>
    public ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken) => WriteAsync(RowBatch.Of(row), cancellationToken);

    /// <summary>Writes every row of a batch, rolling parts between rows.</summary>
    public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken)
    {
        for (var row = 0; row < batch.Count;)
        {
            if (_writer is null) Open();
            (row, var pending) = WriteUntilDecision(batch, row, cancellationToken);
            await pending;
            if (NeedsDecision) await DecideAsync(cancellationToken);
        }
    }

    // Rows up to the next one after which the roll must be decided (or whose write must be awaited), without a state
    // machine per row; optimised from the first call, as the hot loop of a dump.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Next, ValueTask Pending) WriteUntilDecision(RowBatch batch, int row, CancellationToken cancellationToken)
    {
        while (row < batch.Count)
        {
            var written = _writer!.WriteRowAsync(batch, row++, cancellationToken);
            _partRows++;
            Rows++;
            if (!written.IsCompletedSuccessfully) return (row, written);
            written.GetAwaiter().GetResult();
            if (NeedsDecision) break;
        }
        return (row, ValueTask.CompletedTask);
    }

    // gzip: once a block has started (only then do stored bytes grow); otherwise once the part has reached its limit.
    private bool NeedsDecision => _gzip is not null ? _gzip.BlocksStarted != _blocksSeen : _upload!.BytesWritten >= maxPartBytes;

    private async ValueTask DecideAsync(CancellationToken cancellationToken)
    {
        if (_gzip is not null)
        {
            _blocksSeen = _gzip.BlocksStarted;
            if (_upload!.BytesWritten < maxPartBytes && _upload.BytesWritten + ParallelGzipStream.Bound(_gzip.PendingRawBytes) >= maxPartBytes)
                await _gzip.DrainAsync(cancellationToken);
        }
        if (_upload!.BytesWritten >= maxPartBytes) await CloseAsync(cancellationToken);
    }

    /// <summary>Finishes the last part. A stream without rows writes no part.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null) await CloseAsync(cancellationToken);
    }

    /// <summary>Aborts the part being written (within <paramref name="timeout"/>); returns it if the abort itself failed, to abort later.</summary>
    public async Task<IObjectUpload?> AbortAsync(TimeSpan timeout)
    {
        if (_upload is null) return null;
        try
        {
            using var limit = new CancellationTokenSource(timeout);
            await _upload.AbortAsync(limit.Token).WaitAsync(timeout);
            return null;
        }
        catch (Exception)
        {
            // Never throws: the run's own error is what gets reported; an upload left open is aborted later.
            return _upload;
        }
    }

    private void Open()
    {
        _upload = start(_files.Count);
        var output = _upload.Content;
        if (compression == FileFormats.Gzip)
        {
            output = _gzip = new ParallelGzipStream(_upload.Content, level, BlockSize, budget);
            _blocksSeen = 0;
        }
        _writer = RowWriters.Create(format, output, columns);
        _partRows = 0;
    }

    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _writer!.CompleteAsync(cancellationToken);
        await _writer.DisposeAsync();
        if (_gzip is not null)
        {
            await _gzip.CompleteAsync(cancellationToken);
            await _gzip.DisposeAsync();
        }
        var (bytes, sha256) = await _upload!.CompleteAsync(_partRows, cancellationToken);
        _files.Add(new PartFile(_upload.Key, bytes, _partRows, sha256));
        await _upload.DisposeAsync();
        (_writer, _gzip, _upload) = (null, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync();
        if (_gzip is not null) await _gzip.DisposeAsync();
        if (_upload is not null) await _upload.DisposeAsync();
    }
}
