namespace Portal.Core.Tests.Receipts;

using Portal.Core.Receipts;

public sealed class TableCheckTests
{
    private static readonly ReceiptEntry Artist = new("artist", "d/artist", 3, 10, 30, null,
    [
        new ReceiptFile("d/artist/a_0.ndjson.gz", 10, 4, "aaaa000000000000"),
        new ReceiptFile("d/artist/a_1.ndjson.gz", 10, 4, "bbbb000000000000"),
        new ReceiptFile("d/artist/a_2.ndjson.gz", 10, 2, "cccc000000000000"),
    ]);

    [Fact]
    public void A_folder_holding_exactly_the_receipts_files_is_complete()
    {
        var check = new TableCheck(Artist, new HashSet<string>());
        foreach (var f in Artist.Files!) check.Observe(f.Key, f.Bytes);

        var result = check.Result();

        Assert.Equal((VerificationStatus.Complete, 3, 3), (result.Status, result.ExpectedFiles, result.FoundFiles));
        Assert.Empty(result.Missing);
    }

    [Fact]
    public void Missing_extra_and_resized_files_are_named_and_missing_wins_the_status()
    {
        var check = new TableCheck(Artist, new HashSet<string> { "d/artist/claimed-by-another-table" });
        check.Observe("d/artist/a_0.ndjson.gz", 10);
        check.Observe("d/artist/a_1.ndjson.gz", 11);
        check.Observe("d/artist/stray.csv", 5);
        check.Observe("d/artist/claimed-by-another-table", 5);

        var result = check.Result();

        Assert.Equal(VerificationStatus.Incomplete, result.Status);
        Assert.Equal(["d/artist/a_2.ndjson.gz"], result.Missing);
        Assert.Equal(["d/artist/stray.csv"], result.Extra);
        Assert.Equal("d/artist/a_1.ndjson.gz", Assert.Single(result.Modified).Key);
    }

    [Fact]
    public void A_different_sha256_with_the_same_size_is_modified()
    {
        var check = new TableCheck(Artist, new HashSet<string>());
        foreach (var f in Artist.Files!) check.Observe(f.Key, f.Bytes);
        Assert.Equal(3, check.SameSize.Count());
        check.Hashed("d/artist/a_0.ndjson.gz", "aaaa000000000000");
        check.Hashed("d/artist/a_2.ndjson.gz", "ffff000000000000");

        var result = check.Result();

        Assert.Equal(VerificationStatus.Modified, result.Status);
        Assert.Contains("sha256", Assert.Single(result.Modified).Reason, StringComparison.Ordinal);
        Assert.Equal(2, result.HashedFiles);
    }

    [Fact]
    public void Only_extra_files_make_the_status_extra()
    {
        var check = new TableCheck(Artist, new HashSet<string>());
        foreach (var f in Artist.Files!) check.Observe(f.Key, f.Bytes);
        check.Observe("d/artist/new.ndjson.gz", 1);

        Assert.Equal(VerificationStatus.Extra, check.Result().Status);
    }

    [Theory]
    [InlineData(57, VerificationStatus.Incomplete)]
    [InlineData(58, VerificationStatus.Complete)]
    [InlineData(59, VerificationStatus.Extra)]
    public void Without_a_file_list_the_count_is_compared(int found, string status)
    {
        var check = new TableCheck(new ReceiptEntry("companies", "d/companies", 58, null, null, null, null), new HashSet<string>());
        for (var i = 0; i < found; i++) check.Observe($"d/companies/{i}", 1);

        var result = check.Result();

        Assert.Equal(status, result.Status);
        Assert.NotNull(result.Note);
    }
}
