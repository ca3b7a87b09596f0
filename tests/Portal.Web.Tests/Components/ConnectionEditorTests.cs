namespace Portal.Web.Tests.Components;

using AngleSharp.Dom;
using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Customers;
using Portal.Infrastructure.Sources;
using Portal.Web.Auth;
using Portal.Web.Components.Pages.Connections;

/// <summary>The connection editor's live preview follows every setting that shapes a key, before anything is saved.</summary>
public sealed class ConnectionEditorTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-editor-").FullName;
    private readonly IRenderedComponent<MudPopoverProvider> _popovers;
    private readonly Customer _customer = new() { Name = "Acme" };

    // The preview waits for a pause in the typing; a loaded machine runs the whole suite at once.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public ConnectionEditorTests()
    {
        Services.AddEditorServices(_db, _data);
        AddAuthorization().SetAuthorized("cs").SetRoles("CustomerSuccess").SetPolicies(Policies.Staff, Policies.Configure);
        using (var db = _db.CreateSystemContext())
        {
            db.Customers.Add(_customer);
            db.SaveChanges();
        }
        _popovers = Render<MudPopoverProvider>();
    }

    protected override void OnDisposed()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<Guid> SourceAsync()
    {
        Directory.CreateDirectory(Path.Combine(_data, "sources"));
        await using (var shop = new SqliteConnection($"Data Source={Path.Combine(_data, "sources", "shop.sqlite")}"))
        {
            await shop.OpenAsync();
            await using var create = shop.CreateCommand();
            create.CommandText = """
                CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT, paid BOOLEAN, payload JSON, image BLOB, placed_at DATETIME, amount DECIMAL(10,2), shipped DATE);
                CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
                """;
            await create.ExecuteNonQueryAsync();
        }
        var source = await Services.GetRequiredService<SourceService>().CreateAsync(_customer.Id, "shop", "sqlite", "Data Source=shop.sqlite", default);
        return source.Id;
    }

    private static IElement Input(IRenderedComponent<ConnectionEditorPage> cut, string testId, int index = 0) =>
        cut.FindAll($"input[data-testid={testId}], [data-testid={testId}] input")[index];

    // A select's test id is on its input or on the slot that shows its value, depending on its type.
    private static IElement Control(IRenderedComponent<ConnectionEditorPage> cut, string testId, int index = 0) =>
        cut.FindAll($"[data-testid={testId}]")[index].Closest(".mud-input-control")!;

    private static List<string> Keys(IRenderedComponent<ConnectionEditorPage> cut, string? stream = null) =>
        cut.FindAll(stream is null ? "[data-testid=key-preview] .kt-key[data-run='0']" : $"[data-testid=key-group][data-stream='{stream}'] .kt-key[data-run='0']")
            .Select(e => e.TextContent.Trim()).ToList();

    private void Pick(IRenderedComponent<ConnectionEditorPage> cut, string testId, string item, int index = 0)
    {
        // MudSelect puts the test id on its input and opens on a mouse-down on the control around it.
        Control(cut, testId, index).MouseDown();
        _popovers.WaitForAssertion(() => Assert.Contains(_popovers.FindAll(".mud-popover-open .mud-list-item"), li => li.TextContent.Trim().StartsWith(item, StringComparison.Ordinal)), Wait);
        _popovers.FindAll(".mud-popover-open .mud-list-item").First(li => li.TextContent.Trim().StartsWith(item, StringComparison.Ordinal)).Click();
    }

    private List<string> Options(IRenderedComponent<ConnectionEditorPage> cut, string testId, int index = 0)
    {
        Control(cut, testId, index).MouseDown();
        _popovers.WaitForAssertion(() => Assert.NotEmpty(_popovers.FindAll(".mud-popover-open .mud-list-item")), Wait);
        return _popovers.FindAll(".mud-popover-open .mud-list-item").Select(li => li.TextContent.Trim()).ToList();
    }

    [Fact]
    public void TheSchemaChangeSetting_ShouldShowForStreamExportsOnly_AndStateItsTradeOff()
    {
        var cut = Render<ConnectionEditorPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=live-preview]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=on-schema-change]")); // a dump has no schema changes to decide on

        Pick(cut, "kind", "Stream export");
        cut.WaitForAssertion(() => Assert.Contains("Added columns always carry on", cut.Markup, StringComparison.Ordinal), Wait);
        Pick(cut, "on-schema-change", "Fail the run");
        cut.WaitForAssertion(() => Assert.Contains("fails before writing anything", cut.Markup, StringComparison.Ordinal), Wait);

        var form = ConnectionForm.From(new Portal.Core.Connections.Connection
        {
            Name = "x", Bucket = "b", Region = "r", ExternalId = "e", Kind = Portal.Core.Connections.DeliveryKind.StreamExport,
            OnSchemaChange = Portal.Core.Connections.SchemaChangePolicy.Fail,
        });
        Assert.Equal("Fail", form.ToInput().OnSchemaChange);
    }

    [Fact]
    public void ThePreview_ShouldFollowPrefixFormatCompressionStreamsAndTemplate_BeforeSaving()
    {
        var cut = Render<ConnectionEditorPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=live-preview]")), Wait);
        Assert.Empty(Keys(cut)); // no stream yet: nothing to preview

        Input(cut, "stream-name").Input("invoices");
        cut.WaitForAssertion(() => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/invoices/invoices_0+\.ndjson\.gz$", Keys(cut)[0]), Wait);
        Assert.Equal(2, Keys(cut).Count); // parts 0 and 1

        Input(cut, "prefix").Input("exports/");
        cut.WaitForAssertion(() => Assert.All(Keys(cut), k => Assert.StartsWith("exports/", k, StringComparison.Ordinal)), Wait);

        Pick(cut, "format", "csv");
        cut.WaitForAssertion(() => Assert.All(Keys(cut), k => Assert.EndsWith(".csv.gz", k, StringComparison.Ordinal)), Wait);

        Pick(cut, "compression", "none");
        cut.WaitForAssertion(() => Assert.All(Keys(cut), k => Assert.EndsWith(".csv", k, StringComparison.Ordinal)), Wait);

        cut.Find("[data-testid=add-stream]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=stream-row]").Count), Wait);
        Input(cut, "stream-name", 1).Input("albums");
        cut.WaitForAssertion(() => Assert.Equal(["invoices", "albums"], cut.FindAll("[data-testid=key-group]").Select(g => g.GetAttribute("data-stream")!).ToList()), Wait);
        Assert.StartsWith("exports/", Keys(cut, "albums")[0], StringComparison.Ordinal);

        cut.Find("#key-template-input").Input("{dump_time}/tables/{stream_name}/{part}.{extension}");
        cut.WaitForAssertion(() => Assert.Matches(@"^exports/[^/]+/tables/albums/0+\.csv$", Keys(cut, "albums")[0]), Wait);
    }

    [Fact]
    public void ALintError_ShouldBeMarkedAtItsPosition_AndTheKeysComeBackWhenFixed()
    {
        var cut = Render<ConnectionEditorPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=live-preview]")), Wait);
        Input(cut, "stream-name").Input("invoices");
        cut.WaitForAssertion(() => Assert.NotEmpty(Keys(cut)), Wait);

        const string typo = "{dump_time}/{strem_name}/{part}.{extension}";
        cut.Find("#key-template-input").Input(typo);

        cut.WaitForAssertion(() => Assert.Equal("{strem_name}", cut.Find("[data-testid=template-mirror] mark.kt-error").TextContent), Wait);
        var error = cut.Find("[data-testid=template-errors] [data-code=unknown_macro]");
        Assert.Equal(typo.IndexOf("{strem", StringComparison.Ordinal).ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetAttribute("data-position"));
        Assert.Contains("Did you mean {stream_name}?", error.TextContent, StringComparison.Ordinal);
        Assert.Empty(Keys(cut));

        cut.Find("#key-template-input").Input("{dump_time}/{stream_name}/{part}.{extension}");
        cut.WaitForAssertion(() => Assert.NotEmpty(Keys(cut)), Wait);
        Assert.Empty(cut.FindAll("[data-testid=template-errors] [data-code]"));
    }

    [Fact]
    public async Task TheCursorSelect_ShouldOfferOnlyTheTablesOrderableColumns()
    {
        await SourceAsync();
        var cut = Render<ConnectionEditorPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=live-preview]")), Wait);

        Pick(cut, "source", "shop");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=stream-table-select]")), Wait);
        Pick(cut, "stream-table-select", "orders");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=stream-cursor-select]")), Wait);

        var options = Options(cut, "stream-cursor-select");

        Assert.Equal(["none: the whole table each run", "id (integer)", "note (text)", "placed_at (timestamp)", "amount (decimal)", "shipped (date)"], options);
        // The stream took the table's name, and its keys are previewed.
        cut.WaitForAssertion(() => Assert.Equal("orders", cut.Find("[data-testid=key-group]").GetAttribute("data-stream")), Wait);
    }

    [Fact]
    public void ManyStreams_ShouldShowAFewAndAToggleForTheRest_AndScheduledRunsBehindAToggle()
    {
        var cut = Render<ConnectionEditorPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=live-preview]")), Wait);
        for (var i = 0; i < 10; i++)
        {
            if (i > 0) cut.Find("[data-testid=add-stream]").Click();
            var row = i;
            cut.WaitForAssertion(() => Assert.Equal(row + 1, cut.FindAll("[data-testid=stream-row]").Count), Wait);
            Input(cut, "stream-name", i).Input($"s{i}");
        }

        cut.WaitForAssertion(() => Assert.Contains("+ 4 more streams", cut.Find("[data-testid=more-streams]").TextContent, StringComparison.Ordinal), Wait);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(6, cut.FindAll("[data-testid=key-group]").Count);
            Assert.Equal(3, cut.FindAll("[data-testid=next-run]").Count); // 0 3 * * *: the next three
            Assert.Empty(cut.FindAll("[data-testid=key-group][data-stream=s0] .kt-key[data-run='1']"));
        }, Wait);

        cut.Find("[data-testid=more-streams]").Click();
        cut.WaitForAssertion(() => Assert.Equal(10, cut.FindAll("[data-testid=key-group]").Count), Wait);
        cut.Find("[data-testid=key-group][data-stream=s0] [data-testid=more-keys]").Click();
        cut.WaitForAssertion(() => Assert.Equal(3 * 2, cut.FindAll("[data-testid=key-group][data-stream=s0] .kt-key[data-run]").Count(k => k.GetAttribute("data-run") != "0")), Wait);
    }
}
