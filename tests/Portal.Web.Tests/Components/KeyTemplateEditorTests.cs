namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Connections;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.KeyTemplates;
using Portal.Infrastructure.Persistence;
using Portal.Web.Components.KeyTemplates;

public sealed class KeyTemplateEditorTests : MudComponentTest
{
    private static readonly DateTimeOffset Now = new(2025, 4, 14, 11, 23, 45, TimeSpan.Zero);
    private readonly TestDatabase _db = new();

    public KeyTemplateEditorTests()
    {
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(_db);
        Services.AddSingleton<TimeProvider>(new FixedTime(Now));
        Services.AddSingleton<ICurrentActor>(new CurrentActor(new NoUser()));
        Services.AddSingleton<KeyPreviewService>();
        Services.AddSingleton<ConnectionService>();
        Render<MudPopoverProvider>();
    }

    protected override void OnDisposed() => _db.Dispose();

    private static Connection Connection() => new()
    {
        Name = "exports",
        Kind = DeliveryKind.StreamExport,
        Bucket = "acme-data",
        Region = "eu-west-1",
        Prefix = "portal/",
        ExternalId = "x",
        Format = "jsonl",
        Compression = "none",
        Schedule = "0 3 * * *",
        Streams =
        [
            new ConnectionStream { Name = "invoices", Table = "Invoice", CursorColumn = "InvoiceDate", CursorStart = "2025-04-01T00:00:00Z" },
            new ConnectionStream { Name = "albums", Table = "Album", Position = 1 },
        ],
    };

    private static List<string> Keys(IRenderedComponent<KeyTemplateEditor> cut) =>
        cut.FindAll("[data-testid=key-preview] td.kt-key").Select(td => td.TextContent).ToList();

    [Fact]
    public void KeyTemplateEditor_Typing_ShouldUpdateThePreview()
    {
        var cut = Render<KeyTemplateEditor>(p => p.Add(e => e.Connection, Connection()));

        cut.Find("#key-template-input").Input("out/{stream_name}/{date}_{part}.{extension}");

        var keys = Keys(cut);
        // A run now and the next three runs at 03:00, two streams, parts 0 and 1.
        Assert.Equal(4 * 2 * 2, keys.Count);
        Assert.Equal("portal/out/invoices/2025_04_14_000000000000.jsonl", keys[0]);
        Assert.Equal("portal/out/albums/2025_04_15_000000000001.jsonl", keys[7]);
        Assert.Equal("portal/out/albums/2025_04_17_000000000001.jsonl", keys[^1]);
    }

    [Fact]
    public void KeyTemplateEditor_AnError_ShouldAppearAndDisappear()
    {
        var cut = Render<KeyTemplateEditor>(p => p.Add(e => e.Connection, Connection()));
        var input = cut.Find("#key-template-input");

        input.Input("out/{stream_name}/{cursor_date_time}_{part}.{extension}");
        var error = cut.Find("[data-testid=template-errors] [data-code=cursor_without_column]");
        Assert.Contains("'albums'", error.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=key-preview]"));
        Assert.Equal("{cursor_date_time}", cut.Find("[data-testid=template-mirror] mark.kt-error").TextContent);

        cut.Find("#key-template-input").Input("out/{stream_name}/{date_time}_{part}.{extension}");
        Assert.Empty(cut.FindAll("[data-testid=template-errors] [data-code]"));
        Assert.NotEmpty(Keys(cut));
    }

    [Fact]
    public void KeyTemplateEditor_WithWarnings_ShouldSaveOnlyOnceAccepted()
    {
        var cut = Render<KeyTemplateEditor>(p => p.Add(e => e.Connection, Connection()));

        cut.Find("#key-template-input").Input("out/{stream_name}.{extension}");

        Assert.NotEmpty(cut.FindAll("[data-testid=template-warnings] [data-code=not_unique_runs]"));
        Assert.True(cut.Find("[data-testid=save-template]").HasAttribute("disabled"));
        cut.Find("input[data-testid=accept-warnings], [data-testid=accept-warnings] input").Change(true);
        Assert.False(cut.Find("[data-testid=save-template]").HasAttribute("disabled"));
    }

    [Fact]
    public void KeyTemplateEditor_ReadOnly_ShouldOfferNoSaving()
    {
        var cut = Render<KeyTemplateEditor>(p => p.Add(e => e.Connection, Connection()).Add(e => e.ReadOnly, true));

        Assert.Empty(cut.FindAll("[data-testid=save-template]"));
        Assert.True(cut.Find("#key-template-input").HasAttribute("readonly"));
        Assert.NotEmpty(Keys(cut));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class NoUser : IPrincipalAccessor
    {
        public System.Security.Claims.ClaimsPrincipal? Principal => null;
    }
}
