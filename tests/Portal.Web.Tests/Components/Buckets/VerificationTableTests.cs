namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Portal.Core.Receipts;
using Portal.Infrastructure.Buckets;
using Portal.Web.Components.Buckets;

public sealed class VerificationTableTests : MudComponentTest
{
    [Fact]
    public void VerificationTable_ShouldShowEachTablesStatusAndItsFindings()
    {
        var result = new ReceiptVerification("acme/receipt.json", true, DateTimeOffset.UtcNow,
        [
            new TableVerification("artist", "d/artist", VerificationStatus.Incomplete, 2, 1, ["d/artist/a_1.ndjson.gz"], [], [], 1, null),
            new TableVerification("genre", "d/genre", VerificationStatus.Extra, 1, 2, [], ["d/genre/stray.csv"], [], 1, null),
            new TableVerification("album", "d/album", VerificationStatus.Modified, 1, 1, [], [], [new FileMismatch("d/album/a_0.ndjson.gz", "sha256 differs")], 1, null),
            new TableVerification("track", "d/track", VerificationStatus.Complete, 3, 3, [], [], [], 3, null),
        ]);

        var cut = Render<VerificationTable>(p => p.Add(v => v.Result, result));

        Assert.Equal(["incomplete", "extra", "modified", "complete"], cut.FindAll("[data-testid=verified-table]").Select(r => r.GetAttribute("data-status")));
        Assert.Equal("missing: d/artist/a_1.ndjson.gz", cut.Find("[data-testid=missing]").TextContent);
        Assert.Equal("extra: d/genre/stray.csv", cut.Find("[data-testid=extra]").TextContent);
        Assert.Contains("sha256 differs", cut.Find("[data-testid=modified]").TextContent, StringComparison.Ordinal);
    }
}
