namespace Portal.Infrastructure.Delivery;

using System.IO.Compression;
using Amazon.S3;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Infrastructure.S3;

/// <summary>
/// Writes one stream's rows as numbered parts: a new <c>{part}</c> starts once the object has reached
/// the connection's maximum part size (bytes as stored, after compression). Each part streams into its
/// own upload, so memory is a few buffers whatever the table's size.
/// </summary>
public sealed class PartRoller(
    IAmazonS3 s3, string bucket, string? kmsKeyArn, KeyTemplate template, KeyValues values, string prefix,
    IReadOnlyList<SourceColumn> columns, string format, string compression, long maxPartBytes, long? runId = null,
    System.IO.Compression.CompressionLevel level = System.IO.Compression.CompressionLevel.Optimal) : IAsyncDisposable
{
    /// <summary>User metadata every data object carries (S3 sends them as <c>x-amz-meta-…</c>).</summary>
    public const string RunIdMetadata = "portal-run-id";
    public const string RowsMetadata = "portal-rows";
    public const string Sha256Metadata = "portal-sha256";

    private readonly List<DeliveredFile> _files = [];
    // gzip blocks are compressed on every core; a quarter of a part, between 64 KiB and 1 MiB of rows as written.
    private readonly int _blockSize = (int)Math.Clamp(maxPartBytes / 4, 64 * 1024, 1024 * 1024);
    private MultipartUploadStream? _upload;
    private ParallelGzipStream? _gzip;
    private IRowWriter? _writer;
    private long _partRows;
    private long _blocksSeen;

    public IReadOnlyList<DeliveredFile> Files => _files;

    public long Rows { get; private set; }

    /// <summary>Bytes stored so far, including the part being written.</summary>
    public long Bytes => _files.Sum(f => f.Bytes) + (_upload?.BytesWritten ?? 0);

    /// <summary>The key a part gets.</summary>
    public string KeyOf(int part) => template.Expand(values with { Part = part }, prefix);

    public async ValueTask WriteRowAsync(object?[] row, CancellationToken cancellationToken)
    {
        if (_writer is null) Open();
        await _writer!.WriteRowAsync(row, cancellationToken);
        _partRows++;
        Rows++;
        if (_gzip is not null)
        {
            // Parts roll at block boundaries. When the blocks in flight could take the part to its limit, they are written
            // first, so the stored size decides, and a part ends at most about a block past its limit.
            if (_gzip.BlocksStarted == _blocksSeen) return;
            _blocksSeen = _gzip.BlocksStarted;
            if (_upload!.BytesWritten < maxPartBytes && _upload.BytesWritten + ParallelGzipStream.Bound(_gzip.PendingRawBytes) >= maxPartBytes)
                await _gzip.DrainAsync(cancellationToken);
        }
        if (_upload!.BytesWritten >= maxPartBytes) await CloseAsync(cancellationToken);
    }

    /// <summary>Finishes the last part. A stream without rows writes no data file.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null) await CloseAsync(cancellationToken);
    }

    /// <summary>Aborts the part being uploaded; returns its upload id if the abort itself failed (or took too long).</summary>
    public async Task<(string Key, string UploadId)?> AbortAsync(TimeSpan timeout)
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
            return _upload.UploadId is { } id ? (_upload.Key, id) : null;
        }
    }

    private void Open()
    {
        var key = KeyOf(_files.Count);
        _upload = new MultipartUploadStream(s3, bucket, key, RowWriters.ContentType(format, compression), MultipartUploadStream.PartSizeFor(maxPartBytes), kmsKeyArn);
        Stream output = _upload;
        if (compression == FileFormats.Gzip)
        {
            output = _gzip = new ParallelGzipStream(_upload, level, _blockSize);
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
        var rows = _partRows;
        var (bytes, sha256) = await _upload!.CompleteAsync(cancellationToken, runId is not { } run ? null : sha => new Dictionary<string, string>
        {
            [RunIdMetadata] = run.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [RowsMetadata] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Sha256Metadata] = sha,
        });
        _files.Add(new DeliveredFile(_upload.Key, bytes, _partRows, sha256));
        await _upload.DisposeAsync();
        _writer = null;
        _gzip = null;
        _upload = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync();
        if (_gzip is not null) await _gzip.DisposeAsync();
        if (_upload is not null) await _upload.DisposeAsync();
    }
}
