namespace Portal.Infrastructure.Buckets;

using System.IO.Compression;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Buckets;
using Portal.Core.Connections;

/// <summary>
/// Previews the start of an object without fetching all of it: text, csv, json and ndjson (and their
/// .gz forms, decompressed while streaming) up to 100 lines or 64 KiB; parquet by its schema and first
/// rows through ranged reads. csv and ndjson come back as tables.
/// </summary>
public sealed class ObjectPreviewer(BucketBrowser browser, BucketClients clients, IOptions<BucketOptions> options)
{
    public async Task<ObjectPreview> PreviewAsync(Connection connection, string key, CancellationToken cancellationToken) =>
        await PreviewAsync(connection, await browser.DetailsAsync(connection, key, cancellationToken), cancellationToken);

    /// <summary>A preview of an object whose details the caller has already read (no second HEAD).</summary>
    public async Task<ObjectPreview> PreviewAsync(Connection connection, ObjectDetails details, CancellationToken cancellationToken)
    {
        var format = PreviewFormat.Of(details.Key, details.ContentType);
        var gzip = format.Gzip || string.Equals(details.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        var empty = new ObjectPreview(details.Key, ObjectPreview.TextKind, format.Kind, gzip, details.Size, "", null, null, null, false, 0, "The object is empty.");
        if (details.Size == 0) return empty;
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        if (format.Kind == PreviewKind.Parquet)
            return await ParquetPreview.ReadAsync(s3, connection, details, options.Value, cancellationToken);
        return await TextAsync(s3, connection, details, format with { Gzip = gzip }, cancellationToken);
    }

    private async Task<ObjectPreview> TextAsync(IAmazonS3 s3, Connection connection, ObjectDetails details, PreviewFormat format, CancellationToken ct)
    {
        var o = options.Value;
        var cap = format.Gzip ? o.GzipMaxCompressedBytes : o.PreviewBytes;
        var request = new GetObjectRequest { BucketName = connection.Bucket, Key = details.Key };
        if (details.Size > cap) request.ByteRange = new ByteRange(0, cap - 1);
        using var response = await BucketClients.CallAsync(connection, $"reading {details.Key}", () => s3.GetObjectAsync(request, ct));
        var counted = new ReadCounter(response.ResponseStream);
        TextSample sample;
        var gunzip = format.Gzip ? new EndTolerantStream(new GZipStream(counted, CompressionMode.Decompress, leaveOpen: true)) : null;
        await using (Stream input = gunzip ?? (Stream)counted)
        {
            sample = await TextSample.ReadAsync(input, o.PreviewBytes, o.PreviewLines, ct);
        }
        // Less than the whole object was read: cut by the sample's limits or by the byte cap of the request.
        var truncated = sample.Truncated || details.Size > (format.Gzip ? cap : sample.Bytes);
        var preview = new ObjectPreview(details.Key, ObjectPreview.TextKind, format.Kind, format.Gzip, details.Size, sample.Text, null, null, null, truncated, counted.Bytes, null);
        if (gunzip is { Damaged: true, Returned: 0 })
            return preview with { Kind = ObjectPreview.NoneKind, Text = null, Message = "The name says gzip, but this is not a gzip file: there is no preview." };
        if (sample.Binary)
            return preview with { Kind = ObjectPreview.NoneKind, Text = null, Message = "This is not text: there is no preview. Download it instead." };
        return format.Kind switch
        {
            PreviewKind.Csv => preview with { Kind = ObjectPreview.TableKind, Table = CsvPreview.Parse(sample.Text, truncated, o.PreviewLines) },
            PreviewKind.Ndjson => preview with { Kind = ObjectPreview.TableKind, Table = NdjsonPreview.Parse(sample.Text, truncated, o.PreviewLines) },
            PreviewKind.Json when !truncated => preview with { Text = Indented(sample.Text) },
            _ => preview,
        };
    }

    private static string Indented(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, IndentedJson);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>Counts the bytes read from S3.</summary>
    private sealed class ReadCounter(Stream inner) : ForwardReadStream(inner)
    {
        public long Bytes { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await Inner.ReadAsync(buffer, cancellationToken);
            Bytes += n;
            return n;
        }
    }

    /// <summary>A .gz cut at the byte cap ends where the cut is, rather than failing as a damaged archive.</summary>
    private sealed class EndTolerantStream(Stream inner) : ForwardReadStream(inner)
    {
        public bool Damaged { get; private set; }

        public long Returned { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                var n = await Inner.ReadAsync(buffer, cancellationToken);
                Returned += n;
                return n;
            }
            catch (InvalidDataException)
            {
                Damaged = true;
                return 0;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
