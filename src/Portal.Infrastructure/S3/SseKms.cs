namespace Portal.Infrastructure.S3;

using Amazon.S3;
using Amazon.S3.Model;

/// <summary>SSE-KMS on every write when the connection names a KMS key: one place, so no write path forgets it.</summary>
public static class SseKms
{
    public static PutObjectRequest WithKms(this PutObjectRequest request, string? kmsKeyArn)
    {
        if (kmsKeyArn is null) return request;
        request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
        request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyArn;
        return request;
    }

    public static CopyObjectRequest WithKms(this CopyObjectRequest request, string? kmsKeyArn)
    {
        if (kmsKeyArn is null) return request;
        request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
        request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyArn;
        return request;
    }

    public static InitiateMultipartUploadRequest WithKms(this InitiateMultipartUploadRequest request, string? kmsKeyArn)
    {
        if (kmsKeyArn is null) return request;
        request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
        request.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyArn;
        return request;
    }
}
