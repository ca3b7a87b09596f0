namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

public sealed class CustomersApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task An_admin_creates_a_customer_and_the_change_is_audited()
    {
        var name = "Acme " + Guid.NewGuid();

        var response = await Admin.PostAsJsonAsync("/api/v1/customers", new { name });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, body.GetProperty("name").GetString());
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/customers/{id}", response.Headers.Location?.OriginalString);

        await using var scope = App.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var audit = await db.AuditEntries.SingleAsync(a => a.EntityId == id.ToString());
        Assert.Equal("Created", audit.Action);
        Assert.Equal(PortalAppFactory.AdminEmail, audit.Actor);
        Assert.Equal(id, audit.CustomerId);
    }

    [Theory]
    [InlineData("{\"name\": }")]
    [InlineData("{\"name\": 12")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task A_malformed_body_gets_400_problem_details_not_500(string body)
    {
        var response = await Admin.PostAsync("/api/v1/customers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_name_gets_a_field_message_and_nothing_is_saved(string name)
    {
        var before = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/customers")).GetProperty("total").GetInt32();

        var response = await Admin.PostAsJsonAsync("/api/v1/customers", new { name });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A customer needs a name.", problem.GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.Equal(before, (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/customers")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_duplicate_name_is_refused()
    {
        var name = "Twice " + Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/v1/customers", new { name })).StatusCode);

        var again = await Admin.PostAsJsonAsync("/api/v1/customers", new { name });

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Operators_may_read_but_not_create_customers()
    {
        var op = App.CreateApiClient((await App.CreateUserAsync(Roles.Operator)).Token);

        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/v1/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/v1/customers", new { name = "Nope" })).StatusCode);
    }

    [Fact]
    public async Task Customer_success_may_create_customers()
    {
        var cs = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);

        Assert.Equal(HttpStatusCode.Created, (await cs.PostAsJsonAsync("/api/v1/customers", new { name = "By CS " + Guid.NewGuid() })).StatusCode);
    }
}
