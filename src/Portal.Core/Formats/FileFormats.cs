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

    /// <summary>gzip at its fastest: the most CPU-light, about a third more bytes stored than <see cref="Optimal"/>.</summary>
    public const string Fastest = "fastest";

    /// <summary>gzip's balance (about <c>gzip -6</c>): the default.</summary>
    public const string Optimal = "optimal";

    /// <summary>gzip's smallest files (about <c>gzip -9</c>), at several times the CPU of <see cref="Optimal"/>.</summary>
    public const string Smallest = "smallest";

    public static IReadOnlyList<string> Levels { get; } = [Fastest, Optimal, Smallest];

    /// <summary>
    /// A level as zlib numbers it (zlib-ng in .NET): <see cref="Fastest"/> 1, <see cref="Optimal"/> 5, <see cref="Smallest"/> 9.
    /// Optimal is 5, not zlib's default 6: in zlib-ng both are its "medium" strategy, and on the dump benchmark's rows 5
    /// stores 0.2 % more than 6 (still less than <c>gzip -6</c>) in a quarter less time.
    /// </summary>
    public static int LevelOf(string? level) => level switch
    {
        Fastest => 1,
        Smallest => 9,
        _ => OptimalLevel,
    };

    /// <summary>zlib's level of <see cref="Optimal"/>, the default.</summary>
    public const int OptimalLevel = 5;

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

    /// <summary>Field errors for an unknown compression level (null: the default, <see cref="Optimal"/>).</summary>
    public static FieldErrors CheckLevel(string? level)
    {
        var errors = new FieldErrors();
        if (level is not null && !Levels.Contains(level))
            errors.Add("compressionLevel", $"Choose a compression level: {Fastest} (least CPU, largest files), {Optimal} (the default, like gzip -6) or {Smallest} (smallest files, most CPU).");
        return errors;
    }
}
