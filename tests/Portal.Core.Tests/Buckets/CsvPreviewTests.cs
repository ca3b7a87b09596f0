namespace Portal.Core.Tests.Buckets;

using Portal.Core.Buckets;

public sealed class CsvPreviewTests
{
    [Fact]
    public void The_header_names_the_columns_and_quoted_fields_keep_commas_quotes_and_newlines()
    {
        var table = CsvPreview.Parse("id,name,note\n1,\"Müller, A\",\"said \"\"hi\"\"\"\n2,B,\"two\nlines\"\n3,,\"\"\n", truncated: false);

        Assert.Equal(["id", "name", "note"], table.Columns);
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(["1", "Müller, A", "said \"hi\""], table.Rows[0]);
        Assert.Equal(["2", "B", "two\nlines"], table.Rows[1]);
        Assert.Equal(["3", "", ""], table.Rows[2]);
        Assert.Empty(table.Problems);
    }

    [Fact]
    public void A_cut_sample_drops_its_partial_last_row_and_a_whole_file_keeps_a_last_row_without_newline()
    {
        Assert.Single(CsvPreview.Parse("a,b\n1,2\n3,4", truncated: true).Rows);
        Assert.Equal(2, CsvPreview.Parse("a,b\n1,2\n3,4", truncated: false).Rows.Count);
        Assert.Equal(["a", "b"], CsvPreview.Parse("a,b\r\n1,2\r\n", truncated: false).Columns);
    }

    [Fact]
    public void Rows_with_another_field_count_are_kept_and_reported()
    {
        var table = CsvPreview.Parse("a,b\n1,2,3\n", truncated: false);

        Assert.Equal(["a", "b", "column 3"], table.Columns);
        Assert.Contains("Row 1 has 3 fields", table.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_the_row_limit_is_returned() =>
        Assert.Equal(100, CsvPreview.Parse("a\n" + string.Concat(Enumerable.Repeat("x\n", 500)), truncated: false).Rows.Count);
}
