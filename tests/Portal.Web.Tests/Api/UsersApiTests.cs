namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>Provisioning users and tokens through the API, as an admin and as everyone else.</summary>
public sealed class UsersApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    private static string Email() => $"u{Guid.NewGuid():N}"[..12] + "@api.test";

    [Fact]
    public async Task An_admin_creates_a_user_of_every_role_with_a_token_each_that_works_as_that_role()
    {
        var customer = await App.CreateCustomerAsync("Users " + Guid.NewGuid());
        foreach (var role in Roles.All)
        {
            var email = Email();
            var created = await Admin.PostAsJsonAsync("/api/v1/users", new { email, role, customerId = role == Roles.Customer ? customer.Id : (Guid?)null });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var user = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(email, user.GetProperty("email").GetString());
            Assert.Equal(role, user.GetProperty("role").GetString());
            Assert.True(user.GetProperty("password").GetString()!.Length >= 12);

            var issued = await Admin.PostAsJsonAsync($"/api/v1/users/{user.GetProperty("id").GetString()}/tokens", new { name = "ci" });
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            var token = await issued.Content.ReadFromJsonAsync<JsonElement>();
            var client = App.CreateApiClient(token.GetProperty("token").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
            Assert.Equal(role == Roles.Admin ? HttpStatusCode.OK : HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);

            // Revoking the token stops it at once.
            Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/tokens/{token.GetProperty("id").GetGuid()}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        }
    }

    [Fact]
    public async Task Users_are_listed_and_removed_and_a_removed_users_tokens_stop_working()
    {
        var email = Email();
        var user = await (await Admin.PostAsJsonAsync("/api/v1/users", new { email, role = Roles.Operator })).Content.ReadFromJsonAsync<JsonElement>();
        var id = user.GetProperty("id").GetString();
        var token = (await (await Admin.PostAsJsonAsync($"/api/v1/users/{id}/tokens", new { name = "robot" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();

        var list = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/users");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), u => u.GetProperty("email").GetString() == email);
        Assert.DoesNotContain("password", list.GetRawText(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateApiClient(token).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.DeleteAsync($"/api/v1/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.PostAsJsonAsync($"/api/v1/users/{id}/tokens", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.DeleteAsync($"/api/v1/tokens/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"email": "not-an-email", "role": "Operator"}""", "email")]
    [InlineData("""{"email": "a@b.test", "role": "Overlord"}""", "role")]
    [InlineData("""{"email": "c@b.test", "role": "Customer"}""", "customerId")]
    public async Task Bad_users_are_refused_with_a_field_message(string body, string field)
    {
        var response = await Admin.PostAsync("/api/v1/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Nobody_but_an_admin_provisions_users_or_tokens()
    {
        var customer = await App.CreateCustomerAsync("NoAdmin " + Guid.NewGuid());
        foreach (var role in new[] { Roles.CustomerSuccess, Roles.Operator, Roles.Customer })
        {
            var client = App.CreateApiClient((await App.CreateUserAsync(role, role == Roles.Customer ? customer.Id : null)).Token);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/users", new { email = Email(), role = Roles.Admin })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/tokens/{Guid.NewGuid()}")).StatusCode);
        }
    }
}
