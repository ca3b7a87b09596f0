namespace Portal.Web.Tests.Api;

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.Shared;

/// <summary>Sign-in attempts per account, from any number of addresses: past ten in five minutes, 429 and the same sentence.</summary>
public sealed partial class SignInThrottleTests : IClassFixture<SignInThrottleTests.Factory>
{
    private readonly Factory _app;

    public SignInThrottleTests(Factory app) => _app = app;

    /// <summary>The per-address limit out of the way, so only the per-account one speaks.</summary>
    public sealed class Factory : PortalAppFactory
    {
        public Factory() => Settings["Portal:RateLimits:SignInPerAddress"] = "1000";
    }

    private async Task<HttpStatusCode> SignInAsync(HttpClient browser, string email)
    {
        var page = await browser.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var form = new FormUrlEncodedContent([new("_handler", "login"), new("__RequestVerificationToken", token), new("Input.Email", email), new("Input.Password", "wrong-password-123")]);
        var response = await browser.PostAsync("/account/login", form);
        if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Contains("The email or password is not right", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return response.StatusCode;
    }

    [Fact]
    public async Task The_eleventh_attempt_for_one_account_is_refused_and_another_account_is_not()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var target = $"victim-{Guid.NewGuid():N}@test.local";
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++) codes.Add(await SignInAsync(browser, i % 2 == 0 ? target : target.ToUpperInvariant()));

        Assert.All(codes.Take(10), c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(browser, $"other-{Guid.NewGuid():N}@test.local"));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
