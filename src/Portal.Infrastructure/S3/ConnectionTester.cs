namespace Portal.Infrastructure.S3;

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.KeyTemplates;
using Portal.Core.Setup;

/// <summary>
/// Runs a connection's real write path step by step — credentials, the ExternalId guard, the bucket
/// and its region, a write, a multipart upload, a delete where the kind needs it, a listing — and
/// reports each step with what to fix. A failed step skips the steps that depend on it.
/// </summary>
public sealed class ConnectionTester(ConnectionCredentials credentials, S3ClientFactory clients, IOptions<AwsOptions> options, TimeProvider clock)
{
    public const string MarkerName = "portal-connection-test";

    /// <summary>The step that proves the role requires the ExternalId; its message is stored with the connection.</summary>
    public const string ExternalIdStep = "ExternalId guard";
    private const int MinPartSize = MultipartUploadStream.MinPartSize;

    public async Task<IReadOnlyList<TestStep>> TestAsync(Connection connection, CancellationToken cancellationToken)
    {
        var steps = new List<TestStep>();
        var creds = await CredentialsStepAsync(connection, steps, cancellationToken);
        await ExternalIdGuardAsync(connection, steps, cancellationToken);
        if (steps[^1] is { Name: ExternalIdStep, Status: TestStep.Fail })
        {
            Skip(steps, "the role does not require the ExternalId", "Bucket", "Write", "Multipart upload", "Delete", "List");
            return steps;
        }
        if (creds is null)
        {
            Skip(steps, "no credentials", "Bucket", "Write", "Multipart upload", "Delete", "List");
            return steps;
        }
        using var s3 = clients.Create(S3Endpoint.Of(connection), creds, options.Value.RequestTimeout);
        var prefix = PathPrefix.Normalise(connection.Prefix);
        if (!await BucketStepAsync(connection, s3, steps, cancellationToken))
        {
            Skip(steps, "the bucket is not reachable", "Write", "Multipart upload", "Delete", "List");
            return steps;
        }
        var wrote = await WriteStepAsync(connection, s3, prefix, steps, cancellationToken);
        var multipartKey = await MultipartStepAsync(connection, s3, prefix, steps, cancellationToken);
        await DeleteStepAsync(connection, s3, multipartKey, steps, cancellationToken);
        await ListStepAsync(connection, s3, prefix, wrote, steps, cancellationToken);
        return steps;
    }

    private async Task<AWSCredentials?> CredentialsStepAsync(Connection c, List<TestStep> steps, CancellationToken ct)
    {
        const string name = "Credentials";
        try
        {
            if (c.AuthMethod == AuthMethod.AssumeRole)
            {
                var response = await credentials.AssumeRoleAsync(c, withExternalId: true, ct);
                steps.Add(new TestStep(name, TestStep.Pass, $"Assumed {c.RoleArn} with the ExternalId as session {ConnectionCredentials.SessionName(c)}."));
                return new SessionAWSCredentials(response.Credentials.AccessKeyId, response.Credentials.SecretAccessKey, response.Credentials.SessionToken);
            }
            var key = credentials.AccessKey(c);
            await VerifyAccessKeyAsync(c, key, ct);
            steps.Add(new TestStep(name, TestStep.Pass, $"The access key {c.AccessKeyId} is accepted."));
            return key;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = c.AuthMethod == AuthMethod.AssumeRole && AwsErrors.IsAccessDenied(e)
                ? $"The portal could not assume {c.RoleArn}. Its trust policy must allow {options.Value.PrincipalOrPlaceholder} to call sts:AssumeRole with the ExternalId {c.ExternalId} (see the setup page), and the role must exist."
                : c.AuthMethod == AuthMethod.AccessKey && AwsErrors.IsAccessDenied(e)
                    ? "The access key id or the secret access key is not accepted. Check both, or create a new access key."
                    : AwsErrors.Explain(e, c.AuthMethod == AuthMethod.AssumeRole ? $"assuming {c.RoleArn}" : "checking the access key", c.StsEndpoint ?? c.Endpoint);
            steps.Add(new TestStep(name, TestStep.Fail, message));
            return null;
        }
    }

    // STS GetCallerIdentity proves keys on AWS without any permission; S3-compatible stores often lack it,
    // and there listing one's own buckets proves them instead.
    private async Task VerifyAccessKeyAsync(Connection c, AWSCredentials key, CancellationToken ct)
    {
        try
        {
            using var sts = credentials.CreateSts(c, key);
            await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct);
        }
        catch (AmazonServiceException e) when (c.Endpoint is not null && !IsCredentialError(e))
        {
            using var s3 = clients.Create(S3Endpoint.Of(c), key, options.Value.RequestTimeout);
            await s3.ListBucketsAsync(new ListBucketsRequest(), ct);
        }
    }

    private static bool IsCredentialError(AmazonServiceException e) =>
        AwsErrors.CodeOf(e) is "InvalidClientTokenId" or "SignatureDoesNotMatch" or "InvalidAccessKeyId" or "ExpiredToken";

    private async Task ExternalIdGuardAsync(Connection c, List<TestStep> steps, CancellationToken ct)
    {
        const string name = ExternalIdStep;
        if (c.AuthMethod != AuthMethod.AssumeRole)
        {
            steps.Add(new TestStep(name, TestStep.Skipped, "Not used with access keys."));
            return;
        }
        try
        {
            var found = await credentials.Guard.ProblemAsync(c, ct);
            steps.Add(found is { } problem
                ? new TestStep(name, TestStep.Fail, problem)
                : new TestStep(name, TestStep.Pass, "The role refuses AssumeRole without the ExternalId and with a wrong one."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(new TestStep(name, TestStep.Fail, "The portal could not prove that the role requires the ExternalId: " + AwsErrors.Explain(e, "assuming the role without the ExternalId")));
        }
    }

    private static async Task<bool> BucketStepAsync(Connection c, IAmazonS3 s3, List<TestStep> steps, CancellationToken ct)
    {
        const string name = "Bucket";
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = c.Bucket }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = AwsErrors.CodeOf(e) switch
            {
                "NotFound" or "NoSuchBucket" => $"The bucket '{c.Bucket}' does not exist. Check the name (not the ARN) and the account.",
                "AccessDenied" => $"Access to the bucket '{c.Bucket}' is denied: the permission policy must allow s3:ListBucket on arn:aws:s3:::{c.Bucket}.",
                _ => AwsErrors.Explain(e, $"reaching the bucket '{c.Bucket}'", c.Endpoint),
            };
            steps.Add(new TestStep(name, TestStep.Fail, message));
            return false;
        }
        try
        {
            var location = (await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = c.Bucket }, ct)).Location?.Value;
            var region = NormaliseLocation(location);
            if (region is null)
                steps.Add(new TestStep(name, TestStep.Pass, $"The bucket '{c.Bucket}' is reachable (the store reports no AWS region: '{location}')."));
            else if (region != c.Region)
                steps.Add(new TestStep(name, TestStep.Fail, $"The bucket '{c.Bucket}' is in {region}, but the connection says {c.Region}. Set the region to {region}."));
            else
                steps.Add(new TestStep(name, TestStep.Pass, $"The bucket '{c.Bucket}' is reachable, in {region}."));
            return region is null || region == c.Region;
        }
        catch (Exception e) when (AwsErrors.IsAccessDenied(e))
        {
            steps.Add(new TestStep(name, TestStep.Warning, $"The bucket '{c.Bucket}' is reachable, but s3:GetBucketLocation is not allowed, so its region was not checked."));
            return true;
        }
    }

    /// <summary>GetBucketLocation says "" for us-east-1 and "EU" for eu-west-1; S3-compatible stores say other things (null: not an AWS region).</summary>
    private static string? NormaliseLocation(string? location) => location switch
    {
        null or "" => "us-east-1",
        "EU" => "eu-west-1",
        _ when AwsRegions.All.Contains(location) => location,
        _ => null,
    };

    private async Task<bool> WriteStepAsync(Connection c, IAmazonS3 s3, string prefix, List<TestStep> steps, CancellationToken ct)
    {
        var key = prefix + MarkerName;
        try
        {
            var request = new PutObjectRequest
            {
                BucketName = c.Bucket,
                Key = key,
                ContentType = "text/plain",
                ContentBody = $"Written by the portal's connection test for connection {c.Id} at {clock.GetUtcNow():O}.",
            }.WithKms(c.KmsKeyArn);
            await s3.PutObjectAsync(request, ct);
            steps.Add(new TestStep("Write", TestStep.Pass, $"Wrote {key}{(c.KmsKeyArn is null ? "" : " with SSE-KMS")}."));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(new TestStep("Write", TestStep.Fail, AwsErrors.Explain(e, $"writing {key} (s3:PutObject on arn:aws:s3:::{c.Bucket}/{prefix}*)", c.Endpoint)));
            return false;
        }
    }

    private static async Task<string?> MultipartStepAsync(Connection c, IAmazonS3 s3, string prefix, List<TestStep> steps, CancellationToken ct)
    {
        // Artifact syncs may delete only under current/, so their test object lives there.
        var key = SetupPolicies.NeedsDelete(c.Kind)
            ? $"{prefix}bolt/run/{MarkerName}/current/{MarkerName}-multipart"
            : $"{prefix}{MarkerName}-multipart";
        string? uploadId = null;
        try
        {
            var start = new InitiateMultipartUploadRequest { BucketName = c.Bucket, Key = key, ContentType = "application/octet-stream" }.WithKms(c.KmsKeyArn);
            uploadId = (await s3.InitiateMultipartUploadAsync(start, ct)).UploadId;
            var etags = new List<PartETag>();
            foreach (var (number, size) in new[] { (1, MinPartSize), (2, 1024) })
            {
                using var body = new MemoryStream(new byte[size]);
                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = c.Bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = body, PartSize = size,
                }, ct);
                etags.Add(new PartETag(number, part.ETag));
            }
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = c.Bucket, Key = key, UploadId = uploadId, PartETags = etags }, ct);
            steps.Add(new TestStep("Multipart upload", TestStep.Pass, $"Uploaded {key} in 2 parts ({MinPartSize + 1024:N0} bytes)."));
            return key;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (uploadId is not null)
            {
                try { await s3.AbortMultipartUploadAsync(c.Bucket, key, uploadId, CancellationToken.None); }
                catch (AmazonServiceException) { /* the lifecycle rule from the setup page cleans up what is left */ }
            }
            steps.Add(new TestStep("Multipart upload", TestStep.Fail, AwsErrors.Explain(e, $"uploading {key} in parts (s3:PutObject, s3:AbortMultipartUpload)", c.Endpoint)));
            return null;
        }
    }

    private static async Task DeleteStepAsync(Connection c, IAmazonS3 s3, string? key, List<TestStep> steps, CancellationToken ct)
    {
        const string name = "Delete";
        if (key is null)
        {
            steps.Add(new TestStep(name, TestStep.Skipped, "Nothing to delete: the multipart upload did not complete."));
            return;
        }
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = c.Bucket, Key = key }, ct);
            steps.Add(new TestStep(name, TestStep.Pass, $"Deleted {key}."));
        }
        catch (Exception e) when (AwsErrors.IsAccessDenied(e) && !SetupPolicies.NeedsDelete(c.Kind))
        {
            steps.Add(new TestStep(name, TestStep.Skipped, $"Delete is not permitted, and a {c.Kind} connection does not need it; {key} stays (the lifecycle rule can expire it)."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(new TestStep(name, TestStep.Fail, AwsErrors.Explain(e, $"deleting {key} (an artifact sync needs s3:DeleteObject under current/)", c.Endpoint)));
        }
    }

    private static async Task ListStepAsync(Connection c, IAmazonS3 s3, string prefix, bool wrote, List<TestStep> steps, CancellationToken ct)
    {
        const string name = "List";
        try
        {
            var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = c.Bucket, Prefix = prefix + MarkerName, MaxKeys = 10 }, ct);
            var found = listing.S3Objects?.Any(o => o.Key == prefix + MarkerName) == true;
            steps.Add(found
                ? new TestStep(name, TestStep.Pass, $"Listing {prefix}* finds {prefix + MarkerName}.")
                : new TestStep(name, wrote ? TestStep.Fail : TestStep.Skipped, wrote
                    ? $"Listing {prefix}* does not show {prefix + MarkerName}, which was just written. Check the bucket's replication or versioning settings."
                    : "Listing works, but there is no marker to find: the write failed."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            steps.Add(new TestStep(name, TestStep.Fail, AwsErrors.Explain(e, $"listing {prefix}* (s3:ListBucket with the s3:prefix condition)", c.Endpoint)));
        }
    }

    private static void Skip(List<TestStep> steps, string why, params string[] names)
    {
        foreach (var n in names) steps.Add(new TestStep(n, TestStep.Skipped, $"Skipped: {why}."));
    }
}
