namespace Portal.Infrastructure.Delivery;

using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Connections;
using Portal.Core.Receipts;
using Portal.Core.KeyTemplates;

/// <summary>
/// What a resumed dump keeps: a table whose schema file is in the dump's folder was complete when it was written (the
/// schema file follows a table's last part, and says how many parts and rows it has). It is kept when every one of
/// those parts is still there, with the rows and SHA-256 its metadata recorded; anything less and the table is written
/// again (its parts replaced, leftovers removed before the receipt).
/// </summary>
internal static class DumpResume
{
    /// <summary>User metadata of a dump's schema file: how many parts the table has (its rows are <see cref="S3ObjectUpload.RowsMetadata"/>).</summary>
    public const string PartsMetadata = "portal-parts";

    /// <summary>
    /// For each stream of a dump, in order, its complete files in the folder <paramref name="dumpName"/> (which a resume keeps)
    /// or null (written again), with the keys of the run that chose the folder.
    /// </summary>
    public static async Task<IReadOnlyList<(string Stream, IReadOnlyList<Portal.Core.Parts.PartFile>? Complete)>> PlanAsync(
        IAmazonS3 s3, Connection c, DateTimeOffset loadTime, string connectionRunId, string dumpName, CancellationToken ct)
    {
        var prefix = PathPrefix.Normalise(c.Prefix);
        var template = KeyTemplate.Parse(c.Template ?? DefaultTemplates.For(c.Kind));
        var plan = new List<(string, IReadOnlyList<Portal.Core.Parts.PartFile>?)>();
        foreach (var stream in c.Streams.OrderBy(s => s.Position))
        {
            var values = DumpLayout.ValuesOf(c, stream, loadTime, connectionRunId, dumpName);
            plan.Add((stream.Name, await CompleteFilesAsync(s3, c.Bucket, DumpLayout.SchemaKey(prefix, values), part => template.Expand(values with { Part = part }, prefix), ct)));
        }
        return plan;
    }

    /// <summary>The metadata a dump's schema file carries: the run, and the table's parts and rows.</summary>
    public static Dictionary<string, string> SchemaMetadata(long runId, IReadOnlyList<Portal.Core.Parts.PartFile> files) => new()
    {
        [S3ObjectUpload.RunIdMetadata] = runId.ToString(CultureInfo.InvariantCulture),
        [PartsMetadata] = files.Count.ToString(CultureInfo.InvariantCulture),
        [S3ObjectUpload.RowsMetadata] = files.Sum(f => f.Rows).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The table's complete files in the folder, or null when any is missing or cannot be vouched for.</summary>
    public static async Task<IReadOnlyList<Portal.Core.Parts.PartFile>?> CompleteFilesAsync(IAmazonS3 s3, string bucket, string schemaKey, Func<int, string> partKey, CancellationToken ct)
    {
        var schema = await HeadAsync(s3, bucket, schemaKey, ct);
        if (schema is null || !int.TryParse(schema.Metadata[PartsMetadata], NumberStyles.None, CultureInfo.InvariantCulture, out var parts)
            || !long.TryParse(schema.Metadata[S3ObjectUpload.RowsMetadata], NumberStyles.None, CultureInfo.InvariantCulture, out var rows))
            return null;
        var files = new List<Portal.Core.Parts.PartFile>(parts);
        for (var part = 0; part < parts; part++)
        {
            var key = partKey(part);
            var head = await HeadAsync(s3, bucket, key, ct);
            if (head is null || !long.TryParse(head.Metadata[S3ObjectUpload.RowsMetadata], NumberStyles.None, CultureInfo.InvariantCulture, out var partRows)
                || head.Metadata[S3ObjectUpload.Sha256Metadata] is not { Length: 64 } sha256)
                return null;
            files.Add(new Portal.Core.Parts.PartFile(key, head.ContentLength, partRows, sha256));
        }
        return files.Sum(f => f.Rows) == rows ? files : null;
    }

    private static async Task<GetObjectMetadataResponse?> HeadAsync(IAmazonS3 s3, string bucket, string key, CancellationToken ct)
    {
        try
        {
            return await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }
}
