namespace Portal.Core.Parts;

using System.IO.Compression;
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
    CompressionLevel level = CompressionLevel.Optimal, BlockBudget? budget = null) : IAsyncDisposable
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

    public async ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        if (_writer is null) Open();
        await _writer!.WriteRowAsync(row, cancellationToken);
        _partRows++;
        Rows++;
        if (_gzip is not null)
        {
            if (_gzip.BlocksStarted == _blocksSeen) return;
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
