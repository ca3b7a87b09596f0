namespace Portal.Infrastructure.S3;

using Amazon.S3;
using Amazon.S3.Model;

/// <summary>Small object reads and writes through a configured client (markers, receipts, pointers).</summary>
public sealed class ObjectStore(IAmazonS3 client)
{
    public async Task PutAsync(string bucket, string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
        }, cancellationToken);
    }

    public async Task<byte[]> GetBytesAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
