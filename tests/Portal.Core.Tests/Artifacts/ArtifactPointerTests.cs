namespace Portal.Core.Tests.Artifacts;

using Portal.Core.Artifacts;

public sealed class ArtifactPointerTests
{
    [Fact]
    public void A_pointer_reads_with_its_commands_and_result_counts()
    {
        var pointer = ArtifactPointer.Parse("""
            {"archive": "acme/bolt/run/daily/2025/04/15/42_1744716180.123456/", "run_id": 42, "time": "2025-04-15T11:23:00.123456Z",
             "commands": [{"id": 47532, "command": "dbt run", "folder": "47532_dbt_run/", "file_count": 12, "bytes": 3456,
                           "run_results": {"elapsed_time": 0.9, "success": 4, "error": 1, "skipped": 2, "warn": 3}}]}
            """);

        Assert.Equal(42, pointer.RunId);
        var command = Assert.Single(pointer.Commands);
        Assert.Equal(("dbt run", "47532_dbt_run/", 12, 3456L), (command.Command, command.Folder, command.FileCount, command.Bytes));
        Assert.Equal(new RunResultsSummary(0.9, 4, 1, 2, 3), command.Results);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("nope")]
    public void Something_else_is_not_a_pointer(string json) => Assert.Throws<FormatException>(() => ArtifactPointer.Parse(json));

    [Fact]
    public void Archive_run_folders_give_their_run_id_and_time()
    {
        var run = ArchiveRun.FromFolder("acme/bolt/run/daily/2022/09/21/47530_1663718545.541192/");

        Assert.NotNull(run);
        Assert.Equal(47530, run.RunId);
        Assert.Equal(new DateTimeOffset(2022, 9, 21, 0, 2, 25, TimeSpan.Zero).AddTicks(5411920), run.Time);
        Assert.Null(ArchiveRun.FromFolder("acme/bolt/run/daily/2022/09/21/current/"));
    }
}
