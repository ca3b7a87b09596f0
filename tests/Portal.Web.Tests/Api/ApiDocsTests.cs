namespace Portal.Web.Tests.Api;

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Core.Access;
using Portal.Tests.Shared;

/// <summary>The OpenAPI document rendered at /api/docs (Scalar): for staff, behind the sign-in like any page.</summary>
public sealed partial class ApiDocsTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var signIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(
            [new("_handler", "login"), new("__RequestVerificationToken", token), new("Input.Email", email), new("Input.Password", password)]));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task Staff_get_the_rendered_document()
    {
        var admin = await SignedInAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        Assert.Equal("docs/", (await admin.GetAsync("/api/docs")).Headers.Location?.ToString()); // Scalar's own trailing slash
        var docs = await admin.GetAsync("/api/docs/");

        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        var html = await docs.Content.ReadAsStringAsync();
        Assert.Contains("Portal API", html, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        // Only this page may run its inline start-up script.
        Assert.Contains("'unsafe-inline'", docs.Headers.GetValues("Content-Security-Policy").Single().Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-inline'", (await admin.GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single().Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_is_sent_to_sign_in_and_a_customer_is_refused()
    {
        var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var visit = await anonymous.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.Redirect, visit.StatusCode);
        Assert.StartsWith("/account/login", visit.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var customer = await app.CreateCustomerAsync("Docs " + Guid.NewGuid());
        var user = await app.CreateUserAsync(Roles.Customer, customer.Id);
        var browser = await SignedInAsync(user.Email, user.Password);
        var refused = await browser.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
