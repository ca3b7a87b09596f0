namespace Portal.Infrastructure.Buckets;

using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Buckets;
using Portal.Core.Connections;
using Portal.Core.Formats;

/// <summary>Reads of small JSON documents (receipts, pointers) with a size cap, objects' hashes, and folder listings.</summary>
internal static class SmallObjects
{
    public static async Task<string> ReadTextAsync(IAmazonS3 s3, Connection connection, string key, long maxBytes, CancellationToken ct)
    {
        using var response = await BucketClients.CallAsync(connection, $"reading {key}", () => s3.GetObjectAsync(connection.Bucket, key, ct));
        if (response.ContentLength > maxBytes)
            throw new BucketException($"{key} is {ByteSizes.Human(response.ContentLength)}; the portal reads at most {ByteSizes.Human(maxBytes)} of it.");
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>The SHA-256 (hex) of an object as stored, streamed: an object of any size in a few buffers.</summary>
    public static async Task<string> Sha256Async(IAmazonS3 s3, Connection connection, string key, CancellationToken ct)
    {
        using var response = await BucketClients.CallAsync(connection, $"reading {key}", () => s3.GetObjectAsync(connection.Bucket, key, ct));
        return Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(response.ResponseStream, ct));
    }

    /// <summary>Every sub-folder directly under a folder (paged; folders of a date archive are few).</summary>
    public static async Task<List<string>> FoldersAsync(IAmazonS3 s3, Connection connection, string folder, CancellationToken ct)
    {
        var folders = new List<string>();
        string? token = null;
        do
        {
            var page = await BucketClients.CallAsync(connection, $"listing {folder}", () => s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = connection.Bucket, Prefix = folder, Delimiter = "/", ContinuationToken = token, MaxKeys = BucketBrowser.PageSize,
            }, ct));
            folders.AddRange(page.CommonPrefixes ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return folders;
    }
}
