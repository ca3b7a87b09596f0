namespace Portal.Core.Tests.Receipts;

using Portal.Core.Receipts;

public sealed class ReceiptDocumentTests
{
    [Fact]
    public void A_receipt_the_portal_wrote_reads_back_with_its_files()
    {
        var json = Receipt.Build(new DateTimeOffset(2025, 4, 15, 11, 23, 0, TimeSpan.Zero), "acme/2025-04-15T11:23", 42, "c1",
            [new ReceiptTable("artist", "acme/2025-04-15T11:23/artist", "acme/2025-04-15T11:23/schemas/bigquery/artist.json", 275,
                [new ReceiptFile("acme/2025-04-15T11:23/artist/artist_000000000000.ndjson.gz", 1234, 275, "ab12")])],
            new PreviousDump("2025-04-14T11:23:00.000000Z", "acme/2025-04-14T11:23")).ToJsonString();

        var receipt = ReceiptDocument.Parse(json);

        Assert.Equal(("2025-04-15T11:23:00.000000Z", "acme/2025-04-15T11:23", 42L), (receipt.Timestamp, receipt.Folder, receipt.RunId));
        Assert.Equal("acme/2025-04-14T11:23", receipt.Previous?.Folder);
        var table = Assert.Single(receipt.Tables);
        Assert.Equal(("artist", 1, 275L, 1234L), (table.Name, table.TotalFileCount, table.RowCount, table.Bytes));
        Assert.Equal("acme/2025-04-15T11:23/schemas/bigquery/artist.json", table.SchemaKey);
        Assert.Equal("ab12", Assert.Single(table.Files!).Sha256);
    }

    [Fact]
    public void A_data_platform_receipt_without_the_portals_fields_reads_too()
    {
        var receipt = ReceiptDocument.Parse("""
            {"timestamp": "2023-03-14T04:03:07.963883Z",
             "tables": {"companies": {"folder": "2023-03-14T04:03/companies", "total_file_count": 58,
                                      "schemas": {"bigquery": "2023-03-14T04:03/schemas/bigquery/companies.json"}}}}
            """);

        var table = Assert.Single(receipt.Tables);
        Assert.Equal((58, null, null), (table.TotalFileCount, table.RowCount, table.Files));
        Assert.Null(receipt.RunId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"timestamp\": \"x\"}")]
    [InlineData("{\"tables\": {\"a\": {\"total_file_count\": 1}}}")]
    public void Something_else_is_not_a_receipt(string json) => Assert.Throws<FormatException>(() => ReceiptDocument.Parse(json));
}
