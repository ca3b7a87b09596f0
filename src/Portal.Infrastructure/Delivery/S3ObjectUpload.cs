namespace Portal.Infrastructure.Delivery;

using System.Globalization;
using Amazon.S3;
using Portal.Core.Formats;
using Portal.Core.Parts;
using Portal.Infrastructure.S3;

/// <summary>
/// A data object uploaded to S3 for the <see cref="PartRoller"/>: a <see cref="MultipartUploadStream"/> whose object ends
/// with the user metadata every data object carries, the run, its rows and its SHA-256 as stored.
/// </summary>
public sealed class S3ObjectUpload(MultipartUploadStream upload, long? runId) : IObjectUpload
{
    /// <summary>User metadata every data object carries (S3 sends them as <c>x-amz-meta-…</c>).</summary>
    public const string RunIdMetadata = "portal-run-id";
    public const string RowsMetadata = "portal-rows";
    public const string Sha256Metadata = "portal-sha256";

    /// <summary>The parts of one stream: each a new multipart upload at the key the template gives its number.</summary>
    public static Func<int, IObjectUpload> Starter(IAmazonS3 s3, string bucket, string? kmsKeyArn, Func<int, string> keyOf, string format, string compression, long maxPartBytes, long? runId) =>
        part => new S3ObjectUpload(new MultipartUploadStream(s3, bucket, keyOf(part), RowWriters.ContentType(format, compression),
            MultipartUploadStream.PartSizeFor(maxPartBytes), kmsKeyArn), runId);

    public string Key => upload.Key;

    public string? UploadId => upload.UploadId;

    public Stream Content => upload;

    public long BytesWritten => upload.BytesWritten;

    public Task<(long Bytes, string Sha256)> CompleteAsync(long rows, CancellationToken cancellationToken) =>
        upload.CompleteAsync(cancellationToken, runId is not { } run ? null : sha256 => new Dictionary<string, string>
        {
            [RunIdMetadata] = run.ToString(CultureInfo.InvariantCulture),
            [RowsMetadata] = rows.ToString(CultureInfo.InvariantCulture),
            [Sha256Metadata] = sha256,
        });

    public Task AbortAsync(CancellationToken cancellationToken) => upload.AbortAsync(cancellationToken);

    public ValueTask DisposeAsync() => upload.DisposeAsync();
}
