namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

public sealed class KeyTemplatesApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    private const string Url = "/api/v1/key-templates/preview";

    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<Connection> CreateConnectionAsync(Guid customerId)
    {
        var connection = new Connection
        {
            CustomerId = customerId, Name = "c-" + Guid.NewGuid().ToString("N")[..6], Kind = DeliveryKind.Dump,
            Bucket = "acme-data", Region = "eu-west-1", Prefix = "dumps/", ExternalId = ExternalIds.Create(),
            Format = "ndjson", Compression = "gzip",
            Streams = [new ConnectionStream { Name = "companies", Table = "companies" }],
        };
        await using var scope = App.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Connections.Add(connection);
        await db.SaveChangesAsync();
        return connection;
    }

    [Fact]
    public async Task Previews_the_keys_of_every_stream_and_part()
    {
        var response = await Admin.PostAsJsonAsync(Url, new
        {
            template = "exports/{stream_name}/{date}/{connection_run_id}_{part}.{extension}",
            prefix = "portal",
            format = "csv",
            compression = "gzip",
            loadTime = "2025-04-14T11:23:45Z",
            connectionRunId = "run-1",
            streams = new object[]
            {
                new { id = "s1", name = "invoices", cursor = "2025-04-13T00:00:00Z" },
                new { id = "s2", name = "tracks", cursor = (string?)null },
            },
            parts = 2,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        var keys = body.GetProperty("keys").EnumerateArray().Select(k => (k.GetProperty("stream").GetString(), k.GetProperty("part").GetInt32(), k.GetProperty("key").GetString())).ToList();
        Assert.Equal(
        [
            ("invoices", 0, "portal/exports/invoices/2025_04_14/run-1_000000000000.csv.gz"),
            ("invoices", 1, "portal/exports/invoices/2025_04_14/run-1_000000000001.csv.gz"),
            ("tracks", 0, "portal/exports/tracks/2025_04_14/run-1_000000000000.csv.gz"),
            ("tracks", 1, "portal/exports/tracks/2025_04_14/run-1_000000000001.csv.gz"),
        ], keys);
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        Assert.Equal(0, body.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task Errors_come_with_code_message_and_position_and_no_keys()
    {
        var response = await Admin.PostAsJsonAsync(Url, new
        {
            template = "{stream_name}/{cursor_date_time}_{part}.{extension}",
            streams = new object[] { new { name = "albums", cursor = (string?)null } },
        });

        var body = await Json(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body.GetProperty("keys").GetArrayLength());
        var error = body.GetProperty("errors")[0];
        Assert.Equal("cursor_without_column", error.GetProperty("code").GetString());
        Assert.Equal(14, error.GetProperty("position").GetInt32());
        Assert.Contains("'albums'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_are_returned_beside_the_keys()
    {
        var body = await Json(await Admin.PostAsJsonAsync(Url, new { template = "static/{stream_name}.csv" }));

        var codes = body.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ToList();
        Assert.Contains("not_unique_runs", codes);
        Assert.Contains("not_unique_parts", codes);
        Assert.Contains("extension_missing", codes);
        Assert.NotEqual(0, body.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task Missing_optional_values_get_realistic_ones()
    {
        var body = await Json(await Admin.PostAsJsonAsync(Url, new { template = "{stream_name}/{iso_date}/{stream_id}/{cursor_date_time}_{part}.{extension}" }));

        var keys = body.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Matches(@"^sales_summary_daily/\d{4}-\d{2}-\d{2}/[0-9a-f-]{36}/\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}_00000000000[01]\.csv$", keys[0]);
    }

    [Fact]
    public async Task A_connection_supplies_its_streams_prefix_and_format_when_the_request_does_not()
    {
        var customer = await App.CreateCustomerAsync("Preview " + Guid.NewGuid());
        var connection = await CreateConnectionAsync(customer.Id);

        var body = await Json(await Admin.PostAsJsonAsync(Url, new { template = "{stream_name}/{connection_id}_{part}.{extension}", connectionId = connection.Id, loadTime = "2025-04-14T11:23:45Z" }));

        Assert.Equal($"dumps/companies/{connection.Id}_000000000000.ndjson.gz", body.GetProperty("keys")[0].GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("{\"template\": \"{date}\", \"loadTime\": \"yesterday\"}")]
    [InlineData("{\"template\": \"{date}\", \"parts\": \"two\"}")]
    [InlineData("{\"template\": \"{date}\", \"streams\": {}}")]
    [InlineData("[1,2]")]
    [InlineData("{")]
    public async Task A_malformed_body_gets_400_problem_details(string body)
    {
        var response = await Admin.PostAsync(Url, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("xml", "none", 2, "format")]
    [InlineData("csv", "brotli", 2, "compression")]
    [InlineData("parquet", "gzip", 2, "compression")]
    [InlineData("csv", "none", 0, "parts")]
    [InlineData("csv", "none", 101, "parts")]
    public async Task Invalid_values_get_400_with_the_field(string format, string compression, int parts, string field)
    {
        var response = await Admin.PostAsJsonAsync(Url, new { template = "{date}", format, compression, parts });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_stream_without_a_name_is_a_field_error()
    {
        var response = await Admin.PostAsJsonAsync(Url, new { template = "{stream_name}", streams = new object[] { new { id = "x" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("streams[0].name", out _));
    }

    [Fact]
    public async Task A_customer_previews_their_own_connection_but_not_another_customers()
    {
        var mine = await App.CreateCustomerAsync("Mine " + Guid.NewGuid());
        var theirs = await App.CreateCustomerAsync("Theirs " + Guid.NewGuid());
        var own = await CreateConnectionAsync(mine.Id);
        var other = await CreateConnectionAsync(theirs.Id);
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, mine.Id)).Token);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(Url, new { template = "{stream_name}_{part}", connectionId = own.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(Url, new { template = "{stream_name}_{part}", connectionId = other.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync(Url, new { template = "{stream_name}_{part}", connectionId = "not-a-connection" })).StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_are_refused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateApiClient(null).PostAsJsonAsync(Url, new { template = "{date}" })).StatusCode);
    }
}
