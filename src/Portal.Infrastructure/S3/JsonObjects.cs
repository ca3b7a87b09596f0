namespace Portal.Infrastructure.S3;

using Amazon.S3;
using Amazon.S3.Model;
using Portal.Core.Connections;

/// <summary>Writes the small JSON documents of a delivery (schemas, receipts, manifests) with the connection's KMS key.</summary>
public static class JsonObjects
{
    public static async Task PutJsonAsync(this IAmazonS3 s3, Connection connection, string key, string json, CancellationToken ct, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(connection);
        var request = new PutObjectRequest { BucketName = connection.Bucket, Key = key, ContentBody = json, ContentType = "application/json" };
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>()) request.Metadata[name] = value;
        await s3.PutObjectAsync(request.WithKms(connection.KmsKeyArn), ct);
    }
}
