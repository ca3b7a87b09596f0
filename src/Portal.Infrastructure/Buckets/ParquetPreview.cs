namespace Portal.Infrastructure.Buckets;

using System.Collections;
using System.Text.Json;
using Amazon.S3;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Portal.Core.Buckets;
using Portal.Core.Connections;
using Portal.Core.Formats;

/// <summary>
/// The schema and first rows of a parquet file. Parquet needs random access (the schema is in the footer),
/// so the file is read through ranged GETs: the footer, then only the first row group, and nothing at all
/// past <see cref="BucketOptions.ParquetMaxBytes"/> — a larger first row group shows the schema alone.
/// </summary>
internal static class ParquetPreview
{
    public static async Task<ObjectPreview> ReadAsync(IAmazonS3 s3, Connection connection, ObjectDetails details, BucketOptions options, CancellationToken ct)
    {
        var preview = new ObjectPreview(details.Key, ObjectPreview.ParquetKind, PreviewKind.Parquet, false, details.Size, null, null, null, null, false, 0, null);
        await using var stream = new S3RangeStream(s3, connection.Bucket, details.Key, details.Size, options.ParquetMaxBytes);
        try
        {
            await using var reader = await BucketClients.CallAsync(connection, $"reading {details.Key}", () => ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: ct));
            var schema = reader.Schema.GetDataFields().Select(f => new ParquetColumn(f.Path.ToString(), TypeName(f), f.IsNullable)).ToList();
            var totalRows = reader.Metadata?.NumRows ?? 0;
            preview = preview with { Schema = schema, TotalRows = totalRows };
            if (reader.RowGroupCount == 0) return preview with { BytesRead = stream.BytesFetched, Message = "The file has no rows." };
            var firstGroup = reader.Metadata!.RowGroups[0].TotalCompressedSize ?? 0;
            if (firstGroup > options.ParquetMaxBytes - stream.BytesFetched)
                return preview with { Truncated = true, BytesRead = stream.BytesFetched, Message = TooLarge(firstGroup, options.ParquetMaxBytes) };

            stream.Position = 0;
            var rows = await ParquetSerializer.DeserializeUntypedAsync(stream, null, 0, ct);
            var table = rows.Data.Take(options.ParquetRows)
                .Select(row => (IReadOnlyList<string?>)reader.Schema.Fields.Select(f => Cell(((IDictionary<string, object?>)row!).TryGetValue(f.Name, out var v) ? v : null)).ToList())
                .ToList();
            var topLevel = reader.Schema.Fields.Select(f => f.Name).ToList();
            return preview with
            {
                Table = new PreviewTable(topLevel, table, []),
                Truncated = totalRows > table.Count,
                BytesRead = stream.BytesFetched,
            };
        }
        catch (PreviewLimitException e)
        {
            return preview with { Truncated = true, BytesRead = stream.BytesFetched, Message = e.Message + " Download the file to see its rows." };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException && e is not ObjectDisposedException)
        {
            return preview with { Kind = ObjectPreview.NoneKind, BytesRead = stream.BytesFetched, Message = $"This is not a parquet file it can read: {e.Message}" };
        }
    }

    private static string TooLarge(long bytes, long limit) =>
        $"The first row group is {ByteSizes.Human(bytes)}, more than the {ByteSizes.Human(limit)} a preview reads: the schema is shown, download the file to see its rows.";

    private static string TypeName(DataField f) => f switch
    {
        DecimalDataField d => $"decimal({d.Precision},{d.Scale})",
        DateTimeDataField t => $"timestamp{(t.Unit is { } u ? $"({u.ToString().ToLowerInvariant()})" : "")}",
        _ when f.ClrType == typeof(ReadOnlyMemory<char>) => "string",
        _ when f.ClrType == typeof(ReadOnlyMemory<byte>) => "binary",
        _ => (Nullable.GetUnderlyingType(f.ClrType) ?? f.ClrType).Name.ToLowerInvariant() switch
        {
            "int64" => "int64",
            "int32" => "int32",
            "double" => "double",
            "single" => "float",
            "boolean" => "boolean",
            "string" => "string",
            "byte[]" => "binary",
            "dateonly" => "date",
            var other => other,
        } + (f.IsArray ? "[]" : ""),
    };

    private static string? Cell(object? value) => value switch
    {
        null => null,
        string or long or int or double or float or decimal or bool or DateOnly or DateTime or DateTimeOffset or byte[] or Guid => ValueText.Format(value),
        IDictionary or IEnumerable => JsonSerializer.Serialize(value),
        _ => ValueText.Format(value),
    };
}
