namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Shared;

/// <summary><c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>: anonymous, JSON per check, and nothing that names a customer or a secret.</summary>
public sealed class HealthAndMetricsTests(PortalAppFactory app) : ApiTestBase(app)
{
    [Fact]
    public async Task Live_and_ready_answer_anonymously_with_a_json_body_per_check()
    {
        var anonymous = App.CreateApiClient(null);

        var live = await anonymous.GetAsync("/health/live");
        var ready = await anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        // This test host runs no workers: readiness does not wait for a scheduler it does not have.
        Assert.False(body.GetProperty("checks").TryGetProperty("scheduler", out _));
        var text = await ready.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Data Source", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(App.DataDirectory, text, StringComparison.Ordinal);
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus_without_customer_names()
    {
        var customer = await App.CreateCustomerAsync("Metrics Secret Customer " + Guid.NewGuid().ToString("N")[..6]);
        var anonymous = App.CreateApiClient(null);
        await Admin.GetAsync("/api/v1/customers");

        var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("portal_runs_queued", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.DoesNotContain(customer.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(customer.Id.ToString(), text, StringComparison.Ordinal);
    }
}
