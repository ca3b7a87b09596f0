namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Infrastructure.Sources;
using Portal.Web.Components.Connections;

/// <summary>Setting a mark on the connection page: previewed first (rows and key), applied only when confirmed.</summary>
public sealed class StreamMarksPanelTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-marks-").FullName;

    public StreamMarksPanelTests()
    {
        Services.AddEditorServices(_db, _data);
        Render<MudPopoverProvider>();
    }

    protected override void OnDisposed()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<Connection> ConnectionAsync()
    {
        Directory.CreateDirectory(Path.Combine(_data, "sources"));
        await using (var shop = new SqliteConnection($"Data Source={Path.Combine(_data, "sources", "events.sqlite")}"))
        {
            await shop.OpenAsync();
            await using var create = shop.CreateCommand();
            create.CommandText = "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO events SELECT i, 'e' || i FROM n;";
            await create.ExecuteNonQueryAsync();
        }
        var customer = new Customer { Name = "Acme" };
        await using (var db = _db.CreateSystemContext())
        {
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
        }
        var source = await Services.GetRequiredService<SourceService>().CreateAsync(customer.Id, "events", "sqlite", "Data Source=events.sqlite", default);
        var connection = new Connection
        {
            CustomerId = customer.Id, Name = "exports", Kind = DeliveryKind.StreamExport, Bucket = "acme", Region = "eu-west-1", ExternalId = "x",
            SourceId = source.Id, Format = "jsonl", Compression = "none", Template = "{stream_name}/{connection_id}_{part}.{extension}",
            Streams = [new ConnectionStream { Name = "events", Table = "events", CursorColumn = "id", CursorValue = "50", CursorKind = Portal.Core.Sources.CursorKind.Integer }],
        };
        await using (var db = _db.CreateSystemContext())
        {
            db.Connections.Add(connection);
            await db.SaveChangesAsync();
        }
        return connection;
    }

    [Fact]
    public async Task AMark_ShouldBePreviewedWithItsRowsAndKey_AndChangeOnlyWhenApplied()
    {
        var connection = await ConnectionAsync();
        var cut = Render<StreamMarksPanel>(p => p.Add(x => x.Connection, connection));

        cut.Find("[data-testid=set-mark]").Click();
        cut.Find("[data-testid=mark-input] input, input[data-testid=mark-input]").Change("40");
        cut.Find("[data-testid=mark-preview]").Click();

        cut.WaitForAssertion(() => Assert.Equal("10", cut.Find("[data-testid=mark-rows]").TextContent));
        Assert.Equal($"events/{connection.Id}_000000000000.jsonl", cut.Find("[data-testid=mark-key]").TextContent);
        await using (var db = _db.CreateSystemContext())
            Assert.Equal("50", (await db.ConnectionStreams.SingleAsync()).CursorValue); // a preview changes nothing

        cut.Find("[data-testid=mark-apply]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=mark-confirm]")));
        await using (var db = _db.CreateSystemContext())
            Assert.Equal("40", (await db.ConnectionStreams.SingleAsync()).CursorValue);
    }

    [Fact]
    public async Task ABackfill_ShouldStateWhatItWillWrite_BeforeItStarts()
    {
        var connection = await ConnectionAsync();
        var cut = Render<StreamMarksPanel>(p => p.Add(x => x.Connection, connection));
        Assert.True(cut.Find("[data-testid=backfill]").HasAttribute("disabled")); // nothing chosen yet

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.SelectedValuesChanged.InvokeAsync(new List<string> { "events" }));
        cut.Find("[data-testid=backfill-from] input, input[data-testid=backfill-from]").Change("10");
        cut.Find("[data-testid=backfill-to] input, input[data-testid=backfill-to]").Change("20");
        cut.Find("[data-testid=backfill]").Click();

        cut.WaitForAssertion(() => Assert.Contains("events with 10 < cursor ≤ 20", cut.Find("[data-testid=backfill-confirm]").TextContent, StringComparison.Ordinal));
    }
}
