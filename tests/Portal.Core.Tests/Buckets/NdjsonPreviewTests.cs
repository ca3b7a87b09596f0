namespace Portal.Core.Tests.Buckets;

using Portal.Core.Buckets;

public sealed class NdjsonPreviewTests
{
    [Fact]
    public void Columns_come_in_order_of_first_appearance_and_values_read_as_text()
    {
        var table = NdjsonPreview.Parse("{\"id\":1,\"name\":\"AC/DC\",\"tags\":[1,2]}\n{\"id\":2,\"extra\":null,\"ok\":true}\n", truncated: false);

        Assert.Equal(["id", "name", "tags", "extra", "ok"], table.Columns);
        Assert.Equal(["1", "AC/DC", "[1,2]", null, null], table.Rows[0]);
        Assert.Equal(["2", null, null, null, "true"], table.Rows[1]);
    }

    [Fact]
    public void Lines_that_are_not_objects_are_reported_and_a_cut_last_line_is_dropped()
    {
        var table = NdjsonPreview.Parse("{\"a\":1}\nnot json\n[1]\n{\"a\":", truncated: true);

        Assert.Single(table.Rows);
        Assert.Equal(2, table.Problems.Count);
        Assert.StartsWith("Line 2 is not valid JSON", table.Problems[0], StringComparison.Ordinal);
        Assert.Equal("Line 3 is JSON but not an object.", table.Problems[1]);
    }
}
