namespace Portal.IntegrationTests.Runs;

using System.Net;
using Amazon.S3;
using Portal.Infrastructure.Jobs;

/// <summary>How a run's error reads: each cause once, service errors by code and status, no bare type names.</summary>
public sealed class ErrorChainTests
{
    [Fact]
    public void A_service_error_without_a_message_reads_as_its_code_and_status_and_bare_types_are_left_out()
    {
        var s3 = new AmazonS3Exception("") { ErrorCode = "NoSuchBucket", StatusCode = HttpStatusCode.NotFound };
        var e = new InvalidOperationException("Writing to the bucket failed: the bucket does not exist.", new AmazonS3Exception("", s3) { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchBucket" });

        var text = Portal.Infrastructure.Runs.RunFailure.Explain(e);

        Assert.Equal("Writing to the bucket failed: the bucket does not exist." + Portal.Infrastructure.Runs.RunFailure.CausedBy + "NoSuchBucket (HTTP 404)", text);
    }

    [Fact]
    public void Messages_are_kept_in_order_once_each_and_a_service_message_gets_its_code()
    {
        var e = new IOException("Could not write part 3.",
            new AmazonS3Exception("Please reduce your request rate.") { ErrorCode = "SlowDown", StatusCode = HttpStatusCode.ServiceUnavailable });
        var wrapped = new InvalidOperationException("Could not write part 3.", e);

        Assert.Equal("Could not write part 3." + Portal.Infrastructure.Runs.RunFailure.CausedBy + "SlowDown (HTTP 503): Please reduce your request rate.", Portal.Infrastructure.Runs.RunFailure.Explain(wrapped));
    }

    [Fact]
    public void An_exception_with_nothing_to_say_still_names_itself()
    {
        Assert.Equal(nameof(TimeoutException), Portal.Infrastructure.Runs.RunFailure.Explain(new TimeoutException("")));
    }
}
