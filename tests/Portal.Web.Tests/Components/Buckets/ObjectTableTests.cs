namespace Portal.Web.Tests.Components.Buckets;

using Bunit;
using Portal.Infrastructure.Buckets;
using Portal.Web.Components.Buckets;

public sealed class ObjectTableTests : MudComponentTest
{
    private static readonly Guid Connection = Guid.NewGuid();

    private static readonly ObjectEntry[] Objects =
    [
        new("acme/d/b.csv", 2_048, new DateTimeOffset(2025, 4, 15, 11, 0, 0, TimeSpan.Zero), "STANDARD", null),
        new("acme/d/a.ndjson.gz", 5 * 1024 * 1024, new DateTimeOffset(2025, 4, 14, 11, 0, 0, TimeSpan.Zero), "GLACIER", null),
        new("acme/d/c.json", 10, new DateTimeOffset(2025, 4, 16, 11, 0, 0, TimeSpan.Zero), "STANDARD_IA", null),
    ];

    private IRenderedComponent<ObjectTable> RenderTable(Action<string>? onFolder = null, Action<ObjectEntry>? onObject = null) => Render<ObjectTable>(p => p
        .Add(t => t.ConnectionId, Connection)
        .Add(t => t.Folder, "acme/d/")
        .Add(t => t.Folders, ["acme/d/z/", "acme/d/y/"])
        .Add(t => t.Objects, Objects)
        .Add(t => t.OnFolder, f => onFolder?.Invoke(f))
        .Add(t => t.OnObject, o => onObject?.Invoke(o)));

    private static List<string> Names(IRenderedComponent<ObjectTable> cut) =>
        cut.FindAll("tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public void ObjectTable_ShouldListFoldersFirstThenObjectsByName_WithNamesRelativeToTheFolder()
    {
        var cut = RenderTable();

        Assert.Equal(["y/", "z/", "a.ndjson.gz", "b.csv", "c.json"], Names(cut));
    }

    [Fact]
    public void ObjectTable_ShouldShowSizesInHumanUnitsWithExactBytesOnHover()
    {
        var cut = RenderTable();

        var sizes = cut.FindAll("[data-testid=size]");
        Assert.Equal(["5 MiB", "2 KiB", "10 B"], sizes.Select(s => s.TextContent));
        Assert.Equal("5,242,880 bytes", sizes[0].GetAttribute("title"));
        Assert.Contains("GLACIER", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectTable_SortingBySize_ShouldToggleBetweenAscendingAndDescending_AndKeepFoldersOnTop()
    {
        var cut = RenderTable();

        cut.Find("[data-testid=sort-size]").Click();
        Assert.Equal(["y/", "z/", "c.json", "b.csv", "a.ndjson.gz"], Names(cut));

        cut.Find("[data-testid=sort-size]").Click();
        Assert.Equal(["y/", "z/", "a.ndjson.gz", "b.csv", "c.json"], Names(cut));

        cut.Find("[data-testid=sort-modified]").Click();
        Assert.Equal(["y/", "z/", "a.ndjson.gz", "b.csv", "c.json"], Names(cut));
    }

    [Fact]
    public void ObjectTable_ClickingARow_ShouldOpenTheFolderOrTheObject()
    {
        string? folder = null;
        ObjectEntry? opened = null;
        var cut = RenderTable(f => folder = f, o => opened = o);

        cut.FindAll("[data-testid=folder]")[0].Click();
        cut.Find("[data-key='acme/d/c.json']").Click();

        Assert.Equal("acme/d/y/", folder);
        Assert.Equal("acme/d/c.json", opened?.Key);
        Assert.Equal($"/buckets/{Connection}?prefix=acme%2Fd%2Fy%2F", cut.Find("[data-testid=folder] a").GetAttribute("href"));
    }
}
