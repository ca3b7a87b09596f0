namespace Portal.Core.Tests.Receipts;

using Portal.Core.Connections;
using Portal.Core.KeyTemplates;
using Portal.Core.Receipts;

public sealed class DumpLayoutTests
{
    private static readonly DateTimeOffset Load = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "receipt.json")]
    [InlineData("", "receipt.json")]
    [InlineData("acme", "acme/receipt.json")]
    [InlineData("/acme/dumps/", "acme/dumps/receipt.json")]
    public void The_receipt_lies_at_the_prefix(string? prefix, string key) => Assert.Equal(key, DumpLayout.ReceiptKey(prefix));

    [Fact]
    public void A_dump_folder_is_its_name_under_the_prefix_and_the_names_start_at_the_minute()
    {
        var names = DumpLayout.FolderNames(Load).ToList();
        Assert.Equal(["2025-04-14T11:23", "2025-04-14T11:23:45", "2025-04-14T11:23:45-02"], names.Take(3));
        Assert.Equal(DumpLayout.MaxCandidates, names.Count);
        Assert.Equal("acme/2025-04-14T11:23:45", DumpLayout.FolderKey("acme/", Load, names[1]));
    }

    [Fact]
    public void A_tables_parts_and_schema_file_sit_in_the_dumps_folder()
    {
        var connection = new Connection { Name = "c", Bucket = "b", Region = "r", ExternalId = "e", Kind = DeliveryKind.Dump, Format = "ndjson", Compression = "gzip" };
        var stream = new ConnectionStream { Name = "orders", Table = "Orders" };
        var values = DumpLayout.ValuesOf(connection, stream, Load, "run-1", "2025-04-14T11:23:45");

        Assert.Equal("acme/2025-04-14T11:23:45/schemas/bigquery/orders.json", DumpLayout.SchemaKey("acme", values));
        Assert.Equal("acme/2025-04-14T11:23:45/orders/orders_000000000003.ndjson.gz",
            KeyTemplate.Parse(DefaultTemplates.Dump).Expand(values with { Part = 3 }, "acme/"));
        Assert.Equal(KeyPreview.StreamRunId("run-1", stream.Id.ToString()), values.StreamRunId);
    }
}
