namespace Portal.Infrastructure.S3;

using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

/// <summary>
/// A write-only stream that becomes one S3 object: bytes collect in a part buffer; a full buffer is
/// uploaded as a part while the next one fills (at most two buffers per object, so memory stays flat
/// whatever the object's size). Small objects go up with one PutObject. Tracks the bytes and SHA-256
/// of the object as stored. Call <see cref="CompleteAsync"/> to finish or <see cref="AbortAsync"/> to give up.
/// </summary>
public sealed class MultipartUploadStream : Stream
{
    /// <summary>S3's smallest part (except the last) and its most parts per object.</summary>
    public const int MinPartSize = 5 * 1024 * 1024;
    public const int MaxParts = 10_000;

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string _contentType;
    private readonly string? _kmsKeyArn;
    private readonly int _partSize;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<PartETag> _parts = [];
    private byte[] _buffer;
    private int _filled;
    private Task? _inFlight;
    private string? _uploadId;
    private bool _finished;

    public MultipartUploadStream(IAmazonS3 s3, string bucket, string key, string contentType, int partSize, string? kmsKeyArn)
    {
        _s3 = s3;
        _bucket = bucket;
        _key = key;
        _contentType = contentType;
        _kmsKeyArn = kmsKeyArn;
        _partSize = Math.Max(MinPartSize, partSize);
        _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
    }

    /// <summary>The part size that lets an object reach <paramref name="maxObjectBytes"/> within S3's 10,000 parts.</summary>
    public static int PartSizeFor(long maxObjectBytes) =>
        (int)Math.Clamp((maxObjectBytes + MaxParts - 1) / MaxParts, MinPartSize, 512L * 1024 * 1024);

    public string Key => _key;

    /// <summary>The upload id once the object needed a multipart upload (for aborting it later).</summary>
    public string? UploadId => _uploadId;

    private Task<InitiateMultipartUploadResponse>? _initiating;

    /// <summary>Bytes written so far (the object's size as stored).</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => BytesWritten;

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var data = buffer;
        _sha256.AppendData(data.Span);
        BytesWritten += data.Length;
        while (data.Length > 0)
        {
            var take = Math.Min(data.Length, _partSize - _filled);
            data[..take].CopyTo(_buffer.AsMemory(_filled));
            _filled += take;
            data = data[take..];
            if (_filled == _partSize) await ShipBufferAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Write asynchronously: a synchronous write would block on the network.");

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    private async Task ShipBufferAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is null)
        {
            // Not cancelled with the run: a cancel that lands while the request is in flight would leave an
            // upload on the server whose id the portal never learns. The caller stops waiting; the abort waits for the id.
            var start = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _key, ContentType = _contentType }.WithKms(_kmsKeyArn);
            _initiating = _s3.InitiateMultipartUploadAsync(start, CancellationToken.None);
            _uploadId = (await _initiating.WaitAsync(cancellationToken)).UploadId;
        }
        // One part in flight while the next buffer fills: two buffers per object at most.
        if (_inFlight is not null) await _inFlight.WaitAsync(cancellationToken);
        var full = _buffer;
        var length = _filled;
        _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        _filled = 0;
        _inFlight = UploadPartAsync(full, length, cancellationToken);
    }

    private async Task UploadPartAsync(byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            var number = _parts.Count + 1;
            using var span = Telemetry.PortalTracing.Source.StartActivity("part upload");
            span?.SetTag("s3.part_number", number);
            span?.SetTag("s3.part_bytes", length);
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            var response = await _s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket, Key = _key, UploadId = _uploadId, PartNumber = number, InputStream = body, PartSize = length,
            }, cancellationToken);
            _parts.Add(new PartETag(number, response.ETag));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The largest object one CopyObject can copy; a larger one is copied part by part.</summary>
    public const long MaxSingleCopyBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>
    /// Finishes the object; returns its size and SHA-256 (hex) as stored. <paramref name="metadata"/>, given the
    /// SHA-256, is the object's user metadata: sent with the PUT of a small object; a multipart object, whose content
    /// was unknown when it began, gets it by a server-side copy onto itself once complete (no byte passes through here).
    /// </summary>
    public async Task<(long Bytes, string Sha256)> CompleteAsync(CancellationToken cancellationToken, Func<string, IReadOnlyDictionary<string, string>>? metadata = null)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        // Every byte is written by now: the hash is the object's.
        var sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        var meta = metadata?.Invoke(sha256) ?? new Dictionary<string, string>();
        if (_uploadId is null)
        {
            var put = new PutObjectRequest
            {
                BucketName = _bucket, Key = _key, ContentType = _contentType,
                InputStream = new MemoryStream(_buffer, 0, _filled, writable: false), AutoCloseStream = true,
            }.WithKms(_kmsKeyArn);
            foreach (var (name, value) in meta) put.Metadata.Add(name, value);
            // A file of one part is one PUT: in a run's trace it is that file's only part upload.
            using var span = Telemetry.PortalTracing.Source.StartActivity("part upload");
            span?.SetTag("s3.part_number", 1);
            span?.SetTag("s3.part_bytes", _filled);
            await _s3.PutObjectAsync(put, cancellationToken);
        }
        else
        {
            if (_inFlight is not null) await _inFlight.WaitAsync(cancellationToken);
            _inFlight = null;
            if (_filled > 0 || _parts.Count == 0)
            {
                var last = _buffer;
                _buffer = ArrayPool<byte>.Shared.Rent(1);
                await UploadPartAsync(last, _filled, cancellationToken);
                _filled = 0;
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = _key, UploadId = _uploadId, PartETags = _parts,
            }, cancellationToken);
            if (meta.Count > 0) await SetMetadataAsync(meta, cancellationToken);
        }
        _finished = true;
        return (BytesWritten, sha256);
    }

    // S3 sets an object's metadata when it is written: a copy onto itself with REPLACE writes it again, server-side.
    private async Task SetMetadataAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        using var span = Telemetry.PortalTracing.Source.StartActivity("metadata copy");
        if (BytesWritten <= MaxSingleCopyBytes)
        {
            var copy = new CopyObjectRequest
            {
                SourceBucket = _bucket, SourceKey = _key, DestinationBucket = _bucket, DestinationKey = _key,
                MetadataDirective = S3MetadataDirective.REPLACE, ContentType = _contentType,
            }.WithKms(_kmsKeyArn);
            foreach (var (name, value) in metadata) copy.Metadata.Add(name, value);
            await _s3.CopyObjectAsync(copy, cancellationToken);
            return;
        }
        var start = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _key, ContentType = _contentType }.WithKms(_kmsKeyArn);
        foreach (var (name, value) in metadata) start.Metadata.Add(name, value);
        var uploadId = (await _s3.InitiateMultipartUploadAsync(start, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            for (long first = 0, number = 1; first < BytesWritten; first += MaxSingleCopyBytes, number++)
            {
                var part = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket, SourceKey = _key, DestinationBucket = _bucket, DestinationKey = _key, UploadId = uploadId,
                    PartNumber = (int)number, FirstByte = first, LastByte = Math.Min(BytesWritten, first + MaxSingleCopyBytes) - 1,
                }, cancellationToken);
                parts.Add(new PartETag((int)number, part.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = _bucket, Key = _key, UploadId = uploadId, PartETags = parts }, cancellationToken);
        }
        catch
        {
            await _s3.AbortMultipartUploadAsync(_bucket, _key, uploadId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Gives up the object: an open multipart upload is aborted. Throws if the server cannot be reached.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        _finished = true;
        if (_inFlight is not null)
        {
            try { await _inFlight.WaitAsync(cancellationToken); } catch (Exception) { /* the part failed or hangs; the upload is aborted below */ }
            _inFlight = null;
        }
        if (_uploadId is null && _initiating is { } initiating)
        {
            try
            {
                _uploadId = (await initiating.WaitAsync(cancellationToken)).UploadId;
            }
            catch (Exception)
            {
                // Refused or timed out: no upload was started. Still unanswered: it is aborted if the server ever answers
                // (and otherwise by the next run's orphan sweep or the bucket's lifecycle rule).
                if (!initiating.IsCompleted) _ = AbortWhenStartedAsync(initiating);
                return;
            }
        }
        if (_uploadId is not null) await _s3.AbortMultipartUploadAsync(_bucket, _key, _uploadId, cancellationToken);
    }

    private async Task AbortWhenStartedAsync(Task<InitiateMultipartUploadResponse> initiating)
    {
        try
        {
            var id = (await initiating).UploadId;
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _s3.AbortMultipartUploadAsync(_bucket, _key, id, limit.Token);
        }
        catch (Exception)
        {
            // Best effort; the client may be gone by now.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
