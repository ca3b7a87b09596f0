namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Access;
using Portal.Infrastructure.ApiTokens;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Users;
using Portal.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

public sealed class ApiAuthenticationTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task Anonymous_calls_get_401_with_problem_details()
    {
        var response = await App.CreateApiClient(null).GetAsync("/api/v1/customers");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("ptl_notarealtoken000000000000000000000000000")]
    [InlineData("garbage")]
    public async Task Unknown_tokens_get_401(string token)
    {
        var response = await App.CreateApiClient(token).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_bootstrap_token_from_configuration_acts_as_the_bootstrap_admin()
    {
        var me = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(PortalAppFactory.AdminEmail, me.GetProperty("email").GetString());
        Assert.Equal([Roles.Admin], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        var user = await App.CreateUserAsync(Roles.Operator);
        var client = App.CreateApiClient(user.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        await using (var scope = App.Services.CreateSystemScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<ApiTokenService>();
            var token = (await tokens.ListAsync(user.Id, default)).Single();
            Assert.True(await tokens.RevokeAsync(token.Id, user.Id, default));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_applies_to_the_next_api_call()
    {
        var user = await App.CreateUserAsync(Roles.Admin);
        var client = App.CreateApiClient(user.Token);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/customers", new { name = "Role change " + Guid.NewGuid() })).StatusCode);

        await using (var scope = App.Services.CreateSystemScope())
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetRoleAsync(user.Id, Roles.Operator, null, default);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/customers", new { name = "Too late " + Guid.NewGuid() })).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        var user = await App.CreateUserAsync(Roles.Operator);

        await using var scope = App.Services.CreateSystemScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<ApiTokenService>().ListAsync(user.Id, default)).Single();
        Assert.Equal(ApiTokenSecret.Hash(user.Token), stored.TokenHash);
        Assert.DoesNotContain(user.Token, stored.TokenHash, StringComparison.Ordinal);
        Assert.Equal(user.Token[..8], stored.DisplayPrefix);
    }

    [Fact]
    public async Task The_openapi_document_is_served()
    {
        var doc = await App.CreateApiClient(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/customers", out _));
    }
}
