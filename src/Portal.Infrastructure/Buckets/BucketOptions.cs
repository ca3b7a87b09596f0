namespace Portal.Infrastructure.Buckets;

using System.ComponentModel.DataAnnotations;

/// <summary>Limits of the bucket browser (<c>Portal:Buckets</c>).</summary>
public sealed class BucketOptions
{
    public const string Section = "Portal:Buckets";

    /// <summary>How long a download link works.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PresignExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A text preview stops after this many (decompressed) bytes…</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int PreviewBytes { get; set; } = 64 * 1024;

    /// <summary>…or this many lines, whichever comes first.</summary>
    [Range(1, 100_000)]
    public int PreviewLines { get; set; } = 100;

    /// <summary>At most this many compressed bytes are fetched to fill a preview of a .gz object.</summary>
    [Range(1024, int.MaxValue)]
    public int GzipMaxCompressedBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>A parquet preview reads the footer and the first row group by ranged reads; it stops before reading more than this.</summary>
    [Range(1024, long.MaxValue)]
    public long ParquetMaxBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Rows a parquet preview shows.</summary>
    [Range(1, 10_000)]
    public int ParquetRows { get; set; } = 100;

    /// <summary>Files hashed at the same time when a receipt is verified with sha256.</summary>
    [Range(1, 64)]
    public int VerifyParallelism { get; set; } = 4;

    /// <summary>How long one S3 request of the browser may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
