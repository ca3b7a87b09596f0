namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Access;
using Portal.Tests.Shared;

public sealed class TenantIsolationApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task A_customer_user_lists_only_their_own_customer()
    {
        var mine = await App.CreateCustomerAsync("Mine " + Guid.NewGuid());
        var theirs = await App.CreateCustomerAsync("Theirs " + Guid.NewGuid());
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, mine.Id)).Token);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/customers");

        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([mine.Id], ids);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.DoesNotContain(theirs.Id, ids);
    }

    [Fact]
    public async Task A_customer_user_asking_for_another_customer_gets_404()
    {
        var mine = await App.CreateCustomerAsync("Mine " + Guid.NewGuid());
        var theirs = await App.CreateCustomerAsync("Theirs " + Guid.NewGuid());
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, mine.Id)).Token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/customers/{mine.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/customers/{theirs.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_customer_user_cannot_create_customers()
    {
        var mine = await App.CreateCustomerAsync("Mine " + Guid.NewGuid());
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, mine.Id)).Token);

        var response = await client.PostAsJsonAsync("/api/v1/customers", new { name = "Sneaky" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Staff_see_every_customer()
    {
        var a = await App.CreateCustomerAsync("A " + Guid.NewGuid());
        var b = await App.CreateCustomerAsync("B " + Guid.NewGuid());
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Operator)).Token);

        var ids = (await client.GetFromJsonAsync<JsonElement>("/api/v1/customers"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

        Assert.Contains(a.Id, ids);
        Assert.Contains(b.Id, ids);
    }
}
