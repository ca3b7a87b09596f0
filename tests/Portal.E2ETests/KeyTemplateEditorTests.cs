namespace Portal.E2ETests;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

[Collection(PortalServerCollection.Name)]
public sealed class KeyTemplateEditorTests(PortalServer server)
{
    private async Task<Connection> CreateConnectionAsync(Guid customerId)
    {
        var connection = new Connection
        {
            CustomerId = customerId,
            Name = "exports-" + Guid.NewGuid().ToString("N")[..6],
            Kind = DeliveryKind.StreamExport,
            Bucket = "acme-data",
            Region = "eu-west-1",
            Prefix = "portal/",
            ExternalId = ExternalIds.Create(),
            Format = "csv",
            Compression = "gzip",
            Schedule = "0 3 * * *",
            Streams =
            [
                new ConnectionStream { Name = "invoices", Table = "Invoice", CursorColumn = "InvoiceDate", CursorStart = "2025-04-14T11:23:45Z", Position = 0 },
                new ConnectionStream { Name = "tracks", Table = "Track", CursorColumn = "UpdatedAt", CursorStart = "2025-01-01T00:00:00Z", Position = 1 },
            ],
        };
        await using var scope = server.App.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Connections.Add(connection);
        await db.SaveChangesAsync();
        return connection;
    }

    [Fact]
    public async Task Typing_a_template_shows_real_keys_and_errors_come_and_go()
    {
        var customer = await server.App.CreateCustomerAsync("Keys " + Guid.NewGuid().ToString("N")[..6]);
        var connection = await CreateConnectionAsync(customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(page, $"/connections/{connection.Id}");
        var input = page.Locator("#key-template-input");

        await input.PressSequentiallyAsync("exports/{stream_name}/{cursor_date_time}_{part}.{extension}");

        var keys = page.Locator("[data-testid=key-preview] td.kt-key");
        await Assertions.Expect(keys.First).ToHaveTextAsync("portal/exports/invoices/2025_04_14_11_23_45_000000000000.csv.gz");
        Assert.Contains("portal/exports/tracks/2025_01_01_00_00_00_000000000001.csv.gz", await keys.AllInnerTextsAsync());

        // A typo: the error appears under the field, with the fix, and the keys go away.
        await input.FillAsync("exports/{strem_name}/{date}_{part}.{extension}");
        var error = page.Locator("[data-testid=template-errors] [data-code=unknown_macro]");
        await Assertions.Expect(error).ToContainTextAsync("Did you mean {stream_name}?");
        await Assertions.Expect(page.Locator("[data-testid=key-preview]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=template-mirror] mark.kt-error")).ToHaveTextAsync("{strem_name}");

        await input.FillAsync("exports/{stream_name}/{date}_{part}.{extension}");
        await Assertions.Expect(error).ToHaveCountAsync(0);
        await Assertions.Expect(keys.First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^portal/exports/invoices/\d{4}_\d{2}_\d{2}_000000000000\.csv\.gz$"));
    }

    [Fact]
    public async Task A_macro_from_the_palette_is_inserted_at_the_caret()
    {
        var customer = await server.App.CreateCustomerAsync("Palette " + Guid.NewGuid().ToString("N")[..6]);
        var connection = await CreateConnectionAsync(customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        await PortalServer.OpenAsync(page, $"/connections/{connection.Id}");
        var input = page.Locator("#key-template-input");
        await input.FillAsync("a/_{part}.{extension}");
        await input.EvaluateAsync("el => el.setSelectionRange(2, 2)");

        await page.ClickAsync("[data-testid=macro-palette] [data-macro=stream_name]");

        await Assertions.Expect(input).ToHaveValueAsync("a/{stream_name}_{part}.{extension}");
        await Assertions.Expect(page.Locator("[data-testid=key-preview] td.kt-key").First).ToHaveTextAsync("portal/a/invoices_000000000000.csv.gz");
    }

    [Fact]
    public async Task A_customer_sees_the_preview_of_their_own_connection_read_only()
    {
        var customer = await server.App.CreateCustomerAsync("Own " + Guid.NewGuid().ToString("N")[..6]);
        var connection = await CreateConnectionAsync(customer.Id);
        var user = await server.App.CreateUserAsync(Roles.Customer, customer.Id);
        var page = await server.NewPageAsync();
        await PortalServer.SignInAsync(page, user.Email, user.Password);

        await PortalServer.OpenAsync(page, $"/connections/{connection.Id}");

        await Assertions.Expect(page.Locator("[data-testid=key-preview] td.kt-key").First).ToContainTextAsync("portal/invoices/");
        await Assertions.Expect(page.Locator("#key-template-input")).ToHaveAttributeAsync("readonly", "");
        await Assertions.Expect(page.Locator("[data-testid=save-template]")).ToHaveCountAsync(0);
    }
}
