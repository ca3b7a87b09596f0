namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Portal.Core.Buckets;
using Portal.Infrastructure.Buckets;
using Portal.Web.Components.Buckets;

public sealed class PreviewViewTests : MudComponentTest
{
    [Fact]
    public void PreviewView_OfNdjson_ShouldShowATableWithNullsMarked()
    {
        var preview = new ObjectPreview("acme/a.ndjson.gz", ObjectPreview.TableKind, PreviewKind.Ndjson, true, 10_000_000, "…",
            new PreviewTable(["id", "name"], [["1", "AC/DC"], ["2", null]], []), null, null, true, 65_536, null);

        var cut = Render<PreviewView>(p => p.Add(v => v.Preview, preview));

        Assert.Equal(["id", "name"], cut.FindAll("[data-testid=preview-table] th").Select(th => th.TextContent));
        Assert.Equal(["1", "AC/DC", "2", "null"], cut.FindAll("[data-testid=preview-table] td").Select(td => td.TextContent));
        Assert.Equal("Ndjson · first 2 rows, decompressed from gzip (64 KiB of 9.54 MiB read)", cut.Find("[data-testid=preview-caption]").TextContent.Trim());
    }

    [Fact]
    public void PreviewView_OfParquet_ShouldShowTheSchemaAndRows()
    {
        var preview = new ObjectPreview("acme/t.parquet", ObjectPreview.ParquetKind, PreviewKind.Parquet, false, 4096, null,
            new PreviewTable(["id"], [["7"]], []), [new ParquetColumn("id", "int64", true)], 1, false, 4096, null);

        var cut = Render<PreviewView>(p => p.Add(v => v.Preview, preview));

        Assert.Contains("Schema (1 columns, 1 rows)", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(["id", "int64", "yes"], cut.FindAll("[data-testid=parquet-schema] td").Select(td => td.TextContent));
        Assert.Equal("7", cut.Find("[data-testid=preview-table] td").TextContent);
    }

    [Fact]
    public void PreviewView_WithoutAPreview_ShouldSayWhy()
    {
        var preview = new ObjectPreview("acme/x.bin", ObjectPreview.NoneKind, PreviewKind.Unknown, false, 4, null, null, null, null, false, 4,
            "This is not text: there is no preview. Download it instead.");

        var cut = Render<PreviewView>(p => p.Add(v => v.Preview, preview));

        Assert.Contains("Download it instead", cut.Find("[data-testid=preview-message]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=preview-table]"));
    }
}
