namespace Portal.IntegrationTests.Connections;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Connections;
using Portal.Core.Validation;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Connections;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

public sealed class SaveTemplateTests : IClassFixture<PortalAppFactory>
{
    private readonly PortalAppFactory _app;

    public SaveTemplateTests(PortalAppFactory app) => _app = app;

    private async Task<Guid> CreateConnectionAsync()
    {
        var customer = await _app.CreateCustomerAsync("T " + Guid.NewGuid());
        await using var scope = _app.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var connection = new Connection
        {
            CustomerId = customer.Id, Name = "c", Kind = DeliveryKind.StreamExport, Bucket = "b-bucket", Region = "eu-west-1",
            ExternalId = ExternalIds.Create(), Format = "csv", Compression = "none",
            Streams = [new ConnectionStream { Name = "a", Table = "a" }, new ConnectionStream { Name = "b", Table = "b" }],
        };
        db.Connections.Add(connection);
        await db.SaveChangesAsync();
        return connection.Id;
    }

    private async Task<string?> TemplateOf(Guid id)
    {
        await using var scope = _app.Services.CreateSystemScope();
        return (await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Connections.SingleAsync(c => c.Id == id)).Template;
    }

    [Fact]
    public async Task A_template_with_errors_is_refused_and_nothing_changes()
    {
        var id = await CreateConnectionAsync();
        await using var scope = _app.Services.CreateSystemScope();
        var service = scope.ServiceProvider.GetRequiredService<ConnectionService>();

        var error = await Assert.ThrowsAsync<ValidationException>(() => service.SaveTemplateAsync(id, "{stream_name}/{nope}_{part}.{extension}", acceptWarnings: true, default));

        Assert.Contains("{nope}", error.Errors["template"][0], StringComparison.Ordinal);
        Assert.Null(await TemplateOf(id));
    }

    [Fact]
    public async Task A_template_with_warnings_is_saved_only_when_they_are_accepted()
    {
        var id = await CreateConnectionAsync();
        await using var scope = _app.Services.CreateSystemScope();
        var service = scope.ServiceProvider.GetRequiredService<ConnectionService>();
        const string template = "{stream_name}/{part}.{extension}"; // every run overwrites the last

        await Assert.ThrowsAsync<ValidationException>(() => service.SaveTemplateAsync(id, template, acceptWarnings: false, default));
        Assert.Null(await TemplateOf(id));

        await service.SaveTemplateAsync(id, template, acceptWarnings: true, default);
        Assert.Equal(template, await TemplateOf(id));
    }

    [Fact]
    public async Task An_empty_template_goes_back_to_the_default_and_the_change_is_audited()
    {
        var id = await CreateConnectionAsync();
        await using var scope = _app.Services.CreateSystemScope();
        var service = scope.ServiceProvider.GetRequiredService<ConnectionService>();
        await service.SaveTemplateAsync(id, "{stream_name}/{date_time}_{part}.{extension}", false, default);

        await service.SaveTemplateAsync(id, "  ", false, default);

        Assert.Null(await TemplateOf(id));
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.EntityId == id.ToString() && a.Action == "Updated" && a.Details.Contains("Template")));
    }
}
