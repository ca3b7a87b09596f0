namespace Portal.Web.Api;

using Portal.Core.Receipts;
using Portal.Infrastructure.Buckets;

/// <summary>One page of a listing: <c>{ folders, objects: [{key, size, lastModified}], nextContinuationToken }</c>.</summary>
public sealed record ListingDto(string Prefix, IReadOnlyList<string> Folders, IReadOnlyList<ObjectDto> Objects, string? NextContinuationToken)
{
    public static ListingDto From(ListingPage p) =>
        new(p.Prefix, p.Folders, p.Objects.Select(o => new ObjectDto(o.Key, o.Size, o.LastModified, o.StorageClass, o.ETag)).ToList(), p.NextContinuationToken);
}

public sealed record ObjectDto(string Key, long Size, DateTimeOffset? LastModified, string? StorageClass, string? ETag);

public sealed record ObjectDetailsDto(
    string Key, long Size, DateTimeOffset? LastModified, string? ContentType, string? ContentEncoding, string? ETag,
    string? StorageClass, string? ServerSideEncryption, string? KmsKeyId, IReadOnlyDictionary<string, string> Metadata)
{
    public static ObjectDetailsDto From(ObjectDetails d) =>
        new(d.Key, d.Size, d.LastModified, d.ContentType, d.ContentEncoding, d.ETag, d.StorageClass, d.ServerSideEncryption, d.KmsKeyId, d.Metadata);
}

/// <summary>A preview: <c>kind</c> is text, table, parquet or none.</summary>
public sealed record PreviewDto(
    string Key, string Kind, string Format, bool Gzip, long Size, string? Text, IReadOnlyList<string>? Columns,
    IReadOnlyList<IReadOnlyList<string?>>? Rows, IReadOnlyList<string> Problems, IReadOnlyList<ParquetColumn>? Schema,
    long? TotalRows, bool Truncated, long BytesRead, string? Message)
{
    public static PreviewDto From(ObjectPreview p) => new(
        p.Key, p.Kind, p.Format.ToString().ToLowerInvariant(), p.Gzip, p.Size, p.Text, p.Table?.Columns, p.Table?.Rows, p.Table?.Problems ?? [],
        p.Schema, p.TotalRows, p.Truncated, p.BytesRead, p.Message);
}

public sealed record DownloadDto(string Url, DateTimeOffset ExpiresAt);

public sealed record ReceiptDto(
    string Key, string Folder, string? Timestamp, string? DumpFolder, long? RunId, string? RunUrl, string? ConnectionId,
    PreviousDumpDto? Previous, IReadOnlyList<ReceiptTableDto> Tables)
{
    public static ReceiptDto From(FoundReceipt r) => new(
        r.Key, r.Folder, r.Document.Timestamp, r.Document.Folder, r.Document.RunId ?? r.RunId, r.RunId is { } id ? $"/runs/{id}" : null,
        r.Document.ConnectionId, r.Document.Previous is { } p ? new PreviousDumpDto(p.Timestamp, p.Folder) : null,
        r.Document.Tables.Select(t => new ReceiptTableDto(t.Name, t.Folder, t.TotalFileCount, t.RowCount, t.Bytes ?? t.Files?.Sum(f => f.Bytes), t.SchemaKey)).ToList());
}

public sealed record PreviousDumpDto(string Timestamp, string? Folder);

public sealed record ReceiptTableDto(string Name, string Folder, int? TotalFileCount, long? RowCount, long? Bytes, string? Schema);

public sealed record VerificationDto(string ReceiptKey, bool Sha256, DateTimeOffset CheckedAt, bool Complete, IReadOnlyList<TableVerification> Tables)
{
    public static VerificationDto From(ReceiptVerification v) => new(v.ReceiptKey, v.Sha256, v.CheckedAt, v.Complete, v.Tables);
}

public sealed record ArtifactScheduleDto(string Name, string Root, Portal.Core.Artifacts.ArtifactPointer? Current, string? Problem, IReadOnlyList<string> Months);
