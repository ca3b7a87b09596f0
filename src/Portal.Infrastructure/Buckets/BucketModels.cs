namespace Portal.Infrastructure.Buckets;

using Portal.Core.Buckets;

/// <summary>An object as a listing shows it.</summary>
public sealed record ObjectEntry(string Key, long Size, DateTimeOffset? LastModified, string? StorageClass, string? ETag);

/// <summary>One page of a listing (at most 1,000 keys): sub-folders, objects, and the token for the next page.</summary>
public sealed record ListingPage(string Prefix, IReadOnlyList<string> Folders, IReadOnlyList<ObjectEntry> Objects, string? NextContinuationToken);

/// <summary>What HeadObject says about an object.</summary>
public sealed record ObjectDetails(
    string Key, long Size, DateTimeOffset? LastModified, string? ContentType, string? ContentEncoding, string? ETag,
    string? StorageClass, string? ServerSideEncryption, string? KmsKeyId, IReadOnlyDictionary<string, string> Metadata);

/// <summary>A presigned GET URL and when it stops working.</summary>
public sealed record PresignedLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>A column of a parquet file's schema.</summary>
public sealed record ParquetColumn(string Name, string Type, bool Nullable);

/// <summary>
/// The start of an object: <see cref="Kind"/> is <c>text</c> (<see cref="Text"/>), <c>table</c> (csv and
/// ndjson: <see cref="Table"/>), <c>parquet</c> (<see cref="Schema"/> and <see cref="Table"/>) or
/// <c>none</c> (<see cref="Message"/> says why). <see cref="BytesRead"/> counts the bytes fetched from S3.
/// </summary>
public sealed record ObjectPreview(
    string Key, string Kind, PreviewKind Format, bool Gzip, long Size, string? Text, PreviewTable? Table,
    IReadOnlyList<ParquetColumn>? Schema, long? TotalRows, bool Truncated, long BytesRead, string? Message)
{
    public const string TextKind = "text";
    public const string TableKind = "table";
    public const string ParquetKind = "parquet";
    public const string NoneKind = "none";
}

/// <summary>An S3 failure in words a user can act on.</summary>
public sealed class BucketException(string message, Exception? inner = null) : Exception(message, inner);
