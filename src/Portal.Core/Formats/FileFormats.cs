namespace Portal.Core.Formats;

using Portal.Core.Validation;

/// <summary>The file formats a connection writes and the extension each gets.</summary>
public static class FileFormats
{
    public const string Csv = "csv";
    public const string Jsonl = "jsonl";
    public const string Ndjson = "ndjson";
    public const string Parquet = "parquet";

    public const string NoCompression = "none";
    public const string Gzip = "gzip";

    public static IReadOnlyList<string> All { get; } = [Csv, Jsonl, Ndjson, Parquet];

    public static IReadOnlyList<string> Compressions { get; } = [NoCompression, Gzip];

    /// <summary>The <c>{extension}</c> of a format and compression: <c>csv.gz</c>, <c>ndjson</c>, <c>parquet</c>…</summary>
    public static string Extension(string format, string compression)
    {
        Check(format, compression).ThrowIfInvalid();
        return compression == Gzip ? format + ".gz" : format;
    }

    /// <summary>Field errors for an unknown format, an unknown compression, or gzip around parquet.</summary>
    public static FieldErrors Check(string? format, string? compression)
    {
        var errors = new FieldErrors();
        if (format is null || !All.Contains(format))
            errors.Add("format", $"Choose a format: {string.Join(", ", All)}.");
        if (compression is null || !Compressions.Contains(compression))
            errors.Add("compression", $"Choose a compression: {string.Join(", ", Compressions)}.");
        else if (format == Parquet && compression == Gzip)
            errors.Add("compression", "Parquet files are compressed inside (snappy); choose compression 'none'.");
        return errors;
    }
}
