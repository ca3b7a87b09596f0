namespace Portal.Core.Tests.Buckets;

using Portal.Core.Buckets;

public sealed class PreviewFormatTests
{
    [Theory]
    [InlineData("a/artist_000000000000.ndjson.gz", PreviewKind.Ndjson, true)]
    [InlineData("a/x.jsonl", PreviewKind.Ndjson, false)]
    [InlineData("a/x.csv.gz", PreviewKind.Csv, true)]
    [InlineData("a/x.CSV", PreviewKind.Csv, false)]
    [InlineData("a/x.json", PreviewKind.Json, false)]
    [InlineData("a/x.json.gz", PreviewKind.Json, true)]
    [InlineData("a/x.parquet", PreviewKind.Parquet, false)]
    [InlineData("a/run.log", PreviewKind.Text, false)]
    [InlineData("a/compiled/model.sql", PreviewKind.Text, false)]
    [InlineData("a/blob.bin", PreviewKind.Unknown, false)]
    public void The_name_says_how_to_preview(string key, PreviewKind kind, bool gzip) =>
        Assert.Equal(new PreviewFormat(kind, gzip), PreviewFormat.Of(key));

    [Fact]
    public void A_text_content_type_makes_an_unknown_name_text() =>
        Assert.Equal(PreviewKind.Text, PreviewFormat.Of("a/README", "text/plain; charset=utf-8").Kind);
}
