namespace Portal.Core.Tests.Formats;

using Portal.Core.Formats;

public sealed class FileFormatsTests
{
    [Theory]
    [InlineData("csv", "none", "csv")]
    [InlineData("csv", "gzip", "csv.gz")]
    [InlineData("jsonl", "none", "jsonl")]
    [InlineData("jsonl", "gzip", "jsonl.gz")]
    [InlineData("ndjson", "none", "ndjson")]
    [InlineData("ndjson", "gzip", "ndjson.gz")]
    [InlineData("parquet", "none", "parquet")]
    public void The_extension_follows_format_and_compression(string format, string compression, string extension)
    {
        Assert.Equal(extension, FileFormats.Extension(format, compression));
    }

    [Theory]
    [InlineData("xml", "none", "format")]
    [InlineData("csv", "zstd", "compression")]
    [InlineData("parquet", "gzip", "compression")]
    [InlineData(null, "none", "format")]
    public void Unknown_or_impossible_combinations_are_refused_per_field(string? format, string compression, string field)
    {
        var errors = FileFormats.Check(format, compression);

        Assert.False(errors.IsValid);
        Assert.True(errors.ToDictionary().ContainsKey(field));
    }
}
