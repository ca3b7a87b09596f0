namespace Portal.IntegrationTests.S3;

using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Portal.Infrastructure.S3;

public sealed class AwsErrorsTests
{
    private static AmazonS3Exception S3(string? code, HttpStatusCode status, string message = "m") =>
        new(message) { ErrorCode = code, StatusCode = status };

    [Theory]
    [InlineData("AccessDenied", "Access denied")]
    [InlineData("NoSuchBucket", "does not exist")]
    [InlineData("PermanentRedirect", "another region")]
    [InlineData("InvalidAccessKeyId", "access key id is not known")]
    [InlineData("SignatureDoesNotMatch", "secret access key does not match")]
    [InlineData("ExpiredToken", "expired")]
    [InlineData("KMS.AccessDeniedException", "kms:GenerateDataKey")]
    public void Each_aws_error_gets_a_plain_sentence_with_the_fix(string code, string expected)
    {
        Assert.Contains(expected, AwsErrors.Explain(S3(code, HttpStatusCode.BadRequest), "writing x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "NotFound")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied")]
    [InlineData(HttpStatusCode.MovedPermanently, "PermanentRedirect")]
    public void Bodiless_head_responses_are_classified_by_status(HttpStatusCode status, string code)
    {
        Assert.Equal(code, AwsErrors.CodeOf(S3(null, status)));
    }

    [Fact]
    public void A_kms_denial_reads_as_a_kms_problem_not_a_plain_access_denial()
    {
        var e = S3("AccessDenied", HttpStatusCode.Forbidden, "User is not authorized to perform: kms:GenerateDataKey");

        Assert.Contains("KMS", AwsErrors.Explain(e, "writing x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Timeouts_and_refused_connections_read_as_no_answer()
    {
        var e = new AmazonClientException("failed", new HttpRequestException("Connection refused"));

        Assert.Equal("Timeout", AwsErrors.CodeOf(e));
        Assert.Contains("No answer while writing x from http://s3", AwsErrors.Explain(e, "writing x", "http://s3"), StringComparison.Ordinal);
    }
}
