namespace Portal.Core.Tests.Artifacts;

using Portal.Core.Artifacts;
using Portal.Tests.Shared;

public sealed class RunResultsSummaryTests
{
    [Fact]
    public void The_real_dbt_run_results_fixture_is_summarised()
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target", "run_results.json"));

        var summary = RunResultsSummary.Parse(json);

        Assert.Equal(4, summary.Success);
        Assert.Equal((0, 0, 0), (summary.Error, summary.Skipped, summary.Warn));
        Assert.Equal(0.9007077217102051, summary.ElapsedSeconds, 10);
    }

    [Fact]
    public void Each_status_is_counted()
    {
        var summary = RunResultsSummary.Parse("""
            {"elapsed_time": 2.5, "results": [{"status":"success"},{"status":"pass"},{"status":"error"},{"status":"fail"},{"status":"skipped"},{"status":"warn"}]}
            """);

        Assert.Equal(new RunResultsSummary(2.5, 2, 2, 1, 1), summary);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"metadata\": {}}")]
    public void Unreadable_files_are_refused_with_a_reason(string json)
    {
        Assert.Throws<FormatException>(() => RunResultsSummary.Parse(json));
    }
}
