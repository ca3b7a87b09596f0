namespace Portal.Web.Tests.Components;

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Infrastructure.Connections;
using Portal.Web.Components.KeyTemplates;

/// <summary>A Customer tries templates on their own keys; proposing one records it for Customer Success and changes nothing.</summary>
public sealed class TemplateSandboxTests : MudComponentTest
{
    private readonly TestDatabase _db = new();
    private readonly string _data = Directory.CreateTempSubdirectory("portal-sandbox-").FullName;
    private readonly Connection _connection;

    public TemplateSandboxTests()
    {
        Services.AddEditorServices(_db, _data);
        var customer = new Customer { Name = "Acme" };
        _connection = new Connection
        {
            CustomerId = customer.Id, Name = "exports", Kind = DeliveryKind.StreamExport, Bucket = "acme", Region = "eu-west-1", Prefix = "portal/",
            ExternalId = "x", Format = "jsonl", Compression = "gzip", Schedule = "0 3 * * *",
            Streams =
            [
                new ConnectionStream { Name = "invoices", Table = "Invoice", CursorColumn = "InvoiceDate", CursorStart = "2025-04-14T11:23:45Z" },
                new ConnectionStream { Name = "albums", Table = "Album", Position = 1 },
            ],
        };
        using var db = _db.CreateSystemContext();
        db.Customers.Add(customer);
        db.Connections.Add(_connection);
        db.SaveChanges();
        Render<MudPopoverProvider>();
    }

    protected override void OnDisposed()
    {
        _db.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static List<string> Keys(IRenderedComponent<TemplateSandbox> cut) =>
        cut.FindAll("[data-testid=key-preview] .kt-key[data-run='0']").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public async Task ACustomer_ShouldSeeTheirKeys_AndProposeATemplate_WithoutChangingTheConnection()
    {
        var cut = Render<TemplateSandbox>(p => p.Add(s => s.Connection, _connection));
        Assert.Contains("portal/invoices/", Keys(cut)[0], StringComparison.Ordinal); // the saved (default) template to start from

        cut.Find("#key-template-input").Input("mine/{stream_name}/{connection_id}_{part}.{extension}");
        cut.WaitForAssertion(() => Assert.Equal($"portal/mine/invoices/{_connection.Id}_000000000000.jsonl.gz", Keys(cut)[0]));
        Assert.Empty(cut.FindAll("[data-testid=save-template]"));

        // {cursor_date_time} on a stream without a cursor (albums) is an error: no keys, and nothing to propose.
        cut.Find("#key-template-input").Input("mine/{stream_name}/{cursor_date_time}_{part}.{extension}");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=template-errors] [data-code=cursor_without_column]")));
        Assert.Empty(Keys(cut));
        Assert.True(cut.Find("[data-testid=propose-template]").HasAttribute("disabled"));

        const string proposal = "mine/{stream_name}/{date}/{connection_run_id}_{part}.{extension}";
        cut.Find("#key-template-input").Input(proposal);
        cut.Find("textarea[data-testid=proposal-note], [data-testid=proposal-note] textarea").Change("Our loader wants a folder per day.");
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=propose-template]").HasAttribute("disabled")));
        cut.Find("[data-testid=propose-template]").Click();

        await using var db = _db.CreateSystemContext();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == ConnectionService.TemplateProposed);
        Assert.Equal(_connection.Id.ToString(), entry.EntityId);
        Assert.Equal(new TemplateProposal(proposal, "Our loader wants a folder per day."), TemplateProposal.Parse(entry.Details));
        Assert.Null((await db.Connections.SingleAsync(c => c.Id == _connection.Id)).Template); // unchanged
    }

    [Fact]
    public async Task AProposalWithErrors_ShouldBeRefusedByTheService()
    {
        var connections = Services.GetRequiredService<ConnectionService>();

        var refused = await Assert.ThrowsAsync<Portal.Core.Validation.ValidationException>(() =>
            connections.ProposeTemplateAsync(_connection.Id, "{stream_name}/{strem}.{extension}", null, default));

        Assert.True(refused.Errors.ContainsKey("template"));
        await using var db = _db.CreateSystemContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == ConnectionService.TemplateProposed));
    }
}
