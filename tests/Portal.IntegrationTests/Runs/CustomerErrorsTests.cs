namespace Portal.IntegrationTests.Runs;

using Portal.Infrastructure.Runs;

/// <summary>What a Customer reads of a run's error: the step and the cause, not the portal's internals.</summary>
public sealed class CustomerErrorsTests
{
    [Theory]
    [InlineData("Failed to connect to db.internal.corp:5432 — caused by: Connection refused", "db.internal.corp", "5432")]
    [InlineData("The S3 server did not answer: http://10.20.30.40:7480/bucket timed out", "10.20.30.40", "7480")]
    [InlineData("Host=pg-prod-7;Port=6432;Username=reader: password authentication failed", "pg-prod-7", "reader")]
    [InlineData("unable to open database file /var/lib/portal/sources/crm.sqlite", "/var/lib/portal", "crm.sqlite")]
    [InlineData("connect to [fd00::1]:5432 failed", "fd00::1", "[fd00")]
    [InlineData("localhost:5432 refused", "localhost", "5432")]
    public void Hosts_ports_credentials_and_paths_are_hidden_and_the_cause_stays(string error, string hidden, string alsoHidden)
    {
        var shown = RunFailure.ForCustomer(error)!;

        Assert.DoesNotContain(hidden, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(alsoHidden, shown, StringComparison.Ordinal);
        Assert.True(shown.Length > 10);
    }

    [Fact]
    public void Errors_without_internals_read_as_they_were()
    {
        const string error = "Writing to the bucket failed: AccessDenied (HTTP 403) — caused by: the bucket policy denies s3:PutObject on portal/2025-01-01T00:00/";
        Assert.Equal(error, RunFailure.ForCustomer(error));
    }
}
