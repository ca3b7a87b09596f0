namespace Portal.Core.Tests.KeyTemplates;

using Portal.Core.KeyTemplates;

public sealed class KeyPreviewTests
{
    private static readonly DateTimeOffset Load = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);

    private static readonly PreviewStream Tracks = new("11111111-1111-1111-1111-111111111111", "tracks", Load.AddDays(-1));
    private static readonly PreviewStream Albums = new("22222222-2222-2222-2222-222222222222", "albums", null);

    [Fact]
    public void Builds_a_key_per_run_stream_and_part_with_the_prefix()
    {
        var result = KeyPreview.Build("{stream_name}/{date}/{part}.{extension}", "portal", "csv", "c1",
            [Tracks, Albums], [new PreviewRun(Load, "r1"), new PreviewRun(Load.AddDays(1), "r2")], parts: 2);

        Assert.Empty(result.Errors);
        Assert.Equal(8, result.Keys.Count);
        Assert.Equal("portal/tracks/2025_04_14/000000000000.csv", result.Keys[0].Key);
        Assert.Equal("portal/tracks/2025_04_14/000000000001.csv", result.Keys[1].Key);
        Assert.Equal("portal/albums/2025_04_14/000000000000.csv", result.Keys[2].Key);
        Assert.Equal("portal/albums/2025_04_15/000000000001.csv", result.Keys[^1].Key);
        Assert.Equal((1, "albums", 1), (result.Keys[^1].Run, result.Keys[^1].Stream, result.Keys[^1].Part));
    }

    [Theory]
    [InlineData("portal/")]
    [InlineData("portal//")]
    [InlineData("/portal")]
    public void The_prefix_is_joined_with_exactly_one_slash(string prefix)
    {
        var result = KeyPreview.Build("{stream_name}_{date}_{part}.{extension}", prefix, "csv", "c", [Tracks], [new PreviewRun(Load, "r")], 1);

        Assert.Equal("portal/tracks_2025_04_14_000000000000.csv", Assert.Single(result.Keys).Key);
    }

    [Fact]
    public void Errors_mean_no_keys()
    {
        var result = KeyPreview.Build("{stream_name}/{cursor_date_time}_{part}.{extension}", null, "csv", "c",
            [Tracks, Albums], [new PreviewRun(Load, "r")], 2);

        Assert.Empty(result.Keys);
        Assert.Equal("cursor_without_column", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void The_first_run_starts_at_the_streams_mark_and_later_runs_at_the_previous_load()
    {
        var result = KeyPreview.Build("{stream_name}/{cursor_date_time}_{part}.{extension}", null, "csv", "c",
            [Tracks], [new PreviewRun(Load, "r1"), new PreviewRun(Load.AddHours(1), "r2")], 1);

        Assert.Equal(["tracks/2025_04_13_11_23_45_000000000000.csv", "tracks/2025_04_14_11_23_45_000000000000.csv"], result.Keys.Select(k => k.Key));
    }

    [Fact]
    public void Stream_run_ids_are_stable_and_distinct()
    {
        Assert.Equal(KeyPreview.StreamRunId("r1", "s1"), KeyPreview.StreamRunId("r1", "s1"));
        Assert.NotEqual(KeyPreview.StreamRunId("r1", "s1"), KeyPreview.StreamRunId("r1", "s2"));
        Assert.NotEqual(KeyPreview.StreamRunId("r1", "s1"), KeyPreview.StreamRunId("r2", "s1"));
        Assert.True(Guid.TryParse(KeyPreview.StreamRunId("r1", "s1"), out _));
    }
}
