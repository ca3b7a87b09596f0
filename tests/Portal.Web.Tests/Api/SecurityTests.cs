namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Infrastructure.Identity;
using Portal.Tests.Shared;
using Portal.Web.Hosting;

/// <summary>Hostile input and hostile sign-ins against the real app: bounded answers, rate limits, tokens that a lockout cannot switch off, headers.</summary>
public sealed class SecurityTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task A_four_megabyte_template_is_refused_in_a_sentence_before_it_is_read()
    {
        var customer = await App.CreateCustomerAsync("Big " + Guid.NewGuid());
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, customer.Id)).Token);
        var huge = JsonSerializer.Serialize(new { template = new string('}', 4 * 1024 * 1024) });

        var response = await client.PostAsync("/api/v1/key-templates/preview", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 1024);
    }

    [Fact]
    public async Task A_template_over_the_longest_or_full_of_bad_characters_gets_a_bounded_answer()
    {
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);

        var tooLong = await client.PostAsJsonAsync("/api/v1/key-templates/preview", new { template = new string('a', 100_000) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("1,024 characters", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var bad = await client.PostAsJsonAsync("/api/v1/key-templates/preview", new { template = new string('}', 1024) });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var body = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(25, body.GetProperty("errors").GetArrayLength());
        Assert.Equal("more_findings", body.GetProperty("errors")[24].GetProperty("code").GetString());

        var many = await client.PostAsJsonAsync("/api/v1/key-templates/preview", new
        {
            template = "{stream_name}/{part}.{extension}", parts = 100,
            streams = Enumerable.Range(0, 1000).Select(i => new { name = "s" + i }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
    }

    [Fact]
    public async Task Previews_past_the_rate_limit_get_429_with_retry_after_and_other_users_are_not_held_up()
    {
        var greedy = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);
        var other = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 80 && refused is null; i++)
        {
            var r = await greedy.PostAsJsonAsync("/api/v1/key-templates/preview", new { template = "{stream_name}/{part}.{extension}" });
            if (r.StatusCode == HttpStatusCode.TooManyRequests) refused = r;
        }

        Assert.NotNull(refused);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/api/v1/key-templates/preview", new { template = "{stream_name}/{part}.{extension}" })).StatusCode);
    }

    [Fact]
    public async Task A_user_locked_out_by_wrong_passwords_keeps_their_api_tokens()
    {
        var admin = await App.CreateUserAsync(Roles.Admin);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(admin.Id))!;
            // What ten wrong passwords on the sign-in page do.
            for (var i = 0; i < 10; i++) await users.AccessFailedAsync(user);
            Assert.True(await users.IsLockedOutAsync(user));
        }

        var response = await App.CreateApiClient(admin.Token).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Answers_carry_nosniff_a_content_security_policy_and_a_referrer_policy()
    {
        foreach (var path in new[] { "/api/v1/me", "/account/login" })
        {
            var response = await Admin.GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task Sign_in_posts_past_ten_a_minute_from_one_address_get_429_while_the_page_still_shows()
    {
        var browser = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var form = new FormUrlEncodedContent([new("_handler", "login"), new("Input.Email", $"nobody{i}@test.local"), new("Input.Password", "wrong-password-123")]);
            codes.Add((await browser.PostAsync("/account/login", form)).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task Names_that_look_the_same_are_the_same_and_invisible_characters_are_refused()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/v1/customers", new { name = $"Café {suffix}" })).StatusCode);
        foreach (var lookalike in new[] { $"Cafe\u0301 {suffix}", $"CAFÉ {suffix}", $"café {suffix}" })
        {
            var duplicate = await Admin.PostAsync("/api/v1/customers", new StringContent($"{{\"name\": \"{lookalike}\"}}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        }
        var hidden = await Admin.PostAsync("/api/v1/customers", new StringContent($"{{\"name\": \"Acme\\u200b {suffix}\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
        Assert.Contains("U+200B", await hidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_reads_a_runs_error_without_the_portals_hosts_and_staff_read_it_whole()
    {
        var customer = await App.CreateCustomerAsync("Errors " + Guid.NewGuid());
        long runId;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Actors.CurrentActor>().ActAsSystem();
            var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
            var connection = new Portal.Core.Connections.Connection
            {
                CustomerId = customer.Id, Name = "errs", Kind = Portal.Core.Connections.DeliveryKind.Dump, Bucket = "errs-bucket", Region = "eu-west-1", ExternalId = "x",
            };
            db.Connections.Add(connection);
            var run = new Portal.Core.Runs.Run
            {
                ConnectionId = connection.Id, CustomerId = customer.Id, Kind = connection.Kind, Status = Portal.Core.Runs.RunStatus.Failed,
                Error = "Failed to connect to pg-primary.internal:5432 (10.0.4.17:5432)", ErrorStep = "stream orders: opening the source",
            };
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            runId = run.Id;
        }
        var reader = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, customer.Id)).Token);

        var seen = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
        var listed = await reader.GetStringAsync("/api/v1/runs");
        var whole = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");

        Assert.DoesNotContain("pg-primary", seen.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.4.17", listed, StringComparison.Ordinal);
        Assert.Equal("stream orders: opening the source", seen.GetProperty("errorStep").GetString());
        Assert.Contains("pg-primary.internal:5432", whole.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
