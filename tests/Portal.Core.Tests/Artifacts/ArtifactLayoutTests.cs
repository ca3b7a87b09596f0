namespace Portal.Core.Tests.Artifacts;

using Portal.Core.Artifacts;

public sealed class ArtifactLayoutTests
{
    private static readonly DateTimeOffset RunTime = DateTimeOffset.FromUnixTimeMilliseconds(1663718545541).AddTicks(1920);

    [Theory]
    [InlineData("dbt run", "dbt_run")]
    [InlineData("dbt seed", "dbt_seed")]
    [InlineData("  dbt   test  --select  tag:daily ", "dbt_test_--select_tag-daily")]
    [InlineData("dbt build --full-refresh", "dbt_build_--full-refresh")]
    public void Commands_become_folder_names_with_spaces_as_underscores(string command, string slug)
    {
        Assert.Equal(slug, ArtifactLayout.CommandSlug(command));
    }

    [Fact]
    public void The_archive_folder_follows_the_bolt_layout()
    {
        Assert.Equal("1663718545.541192", ArtifactLayout.UnixTimeWithMicros(RunTime));
        Assert.Equal("bolt/run/daily_general/2022/09/21/58602_1663718545.541192/", ArtifactLayout.ArchiveFolder(null, "daily_general", 58602, RunTime));
        Assert.Equal("acme/bolt/run/daily_general/current/", ArtifactLayout.CurrentFolder("acme", "daily_general"));
        Assert.Equal("acme/bolt/run/daily_general/current.json", ArtifactLayout.PointerKey("acme/", "daily_general"));
    }

    [Fact]
    public void A_file_key_names_the_command_and_its_target_folder()
    {
        var folder = ArtifactLayout.ArchiveFolder("p", "daily_general", 58602, RunTime);

        Assert.Equal("p/bolt/run/daily_general/2022/09/21/58602_1663718545.541192/47532_dbt_run/target/compiled/new_project/models/stg/stg_user.sql",
            ArtifactLayout.FileKey(folder, 47532, "dbt run", "compiled/new_project/models/stg/stg_user.sql"));
    }

    [Fact]
    public void Whole_seconds_still_carry_six_digits_of_microseconds()
    {
        Assert.Equal("1700000000.000000", ArtifactLayout.UnixTimeWithMicros(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
    }
}
