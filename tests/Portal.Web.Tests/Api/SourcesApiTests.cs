namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Access;
using Portal.Tests.Shared;

public sealed class SourcesApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task A_source_is_created_and_its_connection_string_never_comes_back()
    {
        var customer = await App.CreateCustomerAsync("S " + Guid.NewGuid());
        const string secret = "Host=db;Database=crm;Username=reader;Password=TopSecret123";

        var response = await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "crm", kind = "postgres", connectionString = secret });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("postgres", created.GetProperty("kind").GetString());
        // Not even the tail: a connection string's last characters are its password's.
        Assert.Equal("••••", created.GetProperty("connectionString").GetString());
        var list = await Admin.GetStringAsync($"/api/v1/sources?customerId={customer.Id}");
        Assert.DoesNotContain("TopSecret", list, StringComparison.Ordinal);
        Assert.DoesNotContain("t123", list, StringComparison.Ordinal);
        Assert.Contains(created.GetProperty("id").GetGuid().ToString(), list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql", "Data Source=x", "kind")]
    [InlineData("sqlite", "", "connectionString")]
    public async Task Invalid_sources_get_field_messages(string kind, string connectionString, string field)
    {
        var customer = await App.CreateCustomerAsync("S " + Guid.NewGuid());

        var response = await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "x", kind, connectionString });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Sources_are_for_admins_only()
    {
        var cs = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);

        Assert.Equal(HttpStatusCode.Forbidden, (await cs.GetAsync("/api/v1/sources")).StatusCode);
    }
}
