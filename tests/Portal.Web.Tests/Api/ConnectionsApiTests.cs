namespace Portal.Web.Tests.Api;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Tests.Shared;

public sealed class ConnectionsApiTests(PortalAppFactory app) : ApiTestBase(app)
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static JsonObject Body(Guid customerId, string? name = null) => new()
    {
        ["customerId"] = customerId.ToString(),
        ["name"] = name ?? "acme-dumps-" + Guid.NewGuid().ToString("N")[..6],
        ["kind"] = "Dump",
        ["bucket"] = "acme-data",
        ["region"] = "eu-west-1",
        ["prefix"] = "portal",
        ["endpoint"] = null,
        ["stsEndpoint"] = null,
        ["kmsKeyArn"] = null,
        ["auth"] = new JsonObject { ["method"] = "AssumeRole", ["roleArn"] = "arn:aws:iam::123456789012:role/portal-writer" },
        ["sourceId"] = null,
        ["streams"] = new JsonArray(new JsonObject { ["name"] = "companies", ["table"] = "companies", ["cursorColumn"] = null, ["cursorStart"] = null }),
        ["template"] = null,
        ["format"] = "ndjson",
        ["compression"] = "gzip",
        ["maxPartBytes"] = 134217728,
        ["schedule"] = "0 3 * * *",
        ["enabled"] = true,
        ["retries"] = 1,
    };

    private static JsonObject AccessKeyAuth(string? secret = Secret) => new()
    {
        ["method"] = "AccessKey", ["accessKeyId"] = "AKIAIOSFODNN7EXAMPLE", ["secretAccessKey"] = secret,
    };

    private async Task<Guid> CustomerAsync() => (await App.CreateCustomerAsync("C " + Guid.NewGuid())).Id;

    private async Task<JsonElement> CreateAsync(JsonObject body, HttpClient? client = null)
    {
        var response = await (client ?? Admin).PostAsJsonAsync("/api/v1/connections", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<int> CountAsync()
    {
        await using var scope = App.Services.CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Connections.CountAsync();
    }

    [Fact]
    public async Task Creating_a_connection_answers_201_with_a_generated_external_id_and_normalised_prefix()
    {
        var created = await CreateAsync(Body(await CustomerAsync()));

        var externalId = created.GetProperty("externalId").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{32}$", externalId);
        Assert.Equal("portal/", created.GetProperty("prefix").GetString());
        Assert.Equal("AssumeRole", created.GetProperty("auth").GetProperty("method").GetString());
        Assert.Equal(3, created.GetProperty("nextRuns").GetArrayLength());
        var fetched = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{created.GetProperty("id").GetGuid()}");
        Assert.Equal(externalId, fetched.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task The_external_id_cannot_be_chosen_by_the_client()
    {
        var body = Body(await CustomerAsync());
        body["externalId"] = "my-own-external-id";

        var created = await CreateAsync(body);

        Assert.NotEqual("my-own-external-id", created.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task An_access_key_secret_is_write_only_and_encrypted_at_rest()
    {
        var body = Body(await CustomerAsync());
        body["auth"] = AccessKeyAuth();

        var created = await CreateAsync(body);
        var id = created.GetProperty("id").GetGuid();

        var text = await Admin.GetStringAsync($"/api/v1/connections/{id}") + await Admin.GetStringAsync("/api/v1/connections");
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Equal("••••EKEY", created.GetProperty("auth").GetProperty("secretAccessKey").GetString());
        await using var scope = App.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var stored = await db.Connections.SingleAsync(c => c.Id == id);
        Assert.DoesNotContain("EXAMPLEKEY", stored.SecretAccessKeyCipher!, StringComparison.Ordinal);
        Assert.All(await db.AuditEntries.Where(a => a.EntityId == id.ToString()).ToListAsync(), a => Assert.DoesNotContain("EXAMPLEKEY", a.Details, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_update_without_the_secret_keeps_the_saved_one()
    {
        var body = Body(await CustomerAsync());
        body["auth"] = AccessKeyAuth();
        var id = (await CreateAsync(body)).GetProperty("id").GetGuid();

        body["auth"] = AccessKeyAuth(secret: null);
        body["bucket"] = "acme-data-2";
        var response = await Admin.PutAsJsonAsync($"/api/v1/connections/{id}", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("acme-data-2", updated.GetProperty("bucket").GetString());
        Assert.Equal("••••EKEY", updated.GetProperty("auth").GetProperty("secretAccessKey").GetString());
    }

    [Fact]
    public async Task Updates_keep_the_external_id_and_deletes_remove_the_connection()
    {
        var body = Body(await CustomerAsync());
        var created = await CreateAsync(body);
        var id = created.GetProperty("id").GetGuid();

        body["schedule"] = "0 0 6 ? * MON-FRI";
        var updated = await (await Admin.PutAsJsonAsync($"/api/v1/connections/{id}", body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(created.GetProperty("externalId").GetString(), updated.GetProperty("externalId").GetString());
        Assert.Equal("0 0 6 ? * MON-FRI", updated.GetProperty("schedule").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/v1/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/api/v1/connections/{id}")).StatusCode);
    }

    [Fact]
    public async Task An_update_adds_and_removes_streams_and_keeps_the_ones_that_stay()
    {
        var body = Body(await CustomerAsync());
        var created = await CreateAsync(body);
        var id = created.GetProperty("id").GetGuid();
        var kept = created.GetProperty("streams")[0].GetProperty("id").GetGuid();

        body["streams"] = new JsonArray(
            new JsonObject { ["name"] = "companies", ["table"] = "companies" },
            new JsonObject { ["name"] = "contacts", ["table"] = "contacts", ["cursorColumn"] = "updated_at" });
        var response = await Admin.PutAsJsonAsync($"/api/v1/connections/{id}", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var streams = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal(["companies", "contacts"], streams.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(kept, streams[0].GetProperty("id").GetGuid());

        body["streams"] = new JsonArray(new JsonObject { ["name"] = "contacts", ["table"] = "contacts" });
        var shrunk = await (await Admin.PutAsJsonAsync($"/api/v1/connections/{id}", body)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["contacts"], shrunk.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Lists_are_filtered_by_customer()
    {
        var a = await CustomerAsync();
        var b = await CustomerAsync();
        await CreateAsync(Body(a));
        await CreateAsync(Body(b));

        var list = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections?customerId={a}");

        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(a, list.GetProperty("items")[0].GetProperty("customerId").GetGuid());
    }

    [Fact]
    public async Task A_customer_reads_and_sets_up_their_own_connection_but_never_another_customers()
    {
        var mine = await CustomerAsync();
        var theirs = await CustomerAsync();
        var own = (await CreateAsync(Body(mine))).GetProperty("id").GetGuid();
        var other = (await CreateAsync(Body(theirs))).GetProperty("id").GetGuid();
        var client = App.CreateApiClient((await App.CreateUserAsync(Roles.Customer, mine)).Token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/connections/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/connections/{own}/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/connections/{other}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/connections/{other}/setup")).StatusCode);
        // The test writes into the bucket: a read-only Customer may not run it, on their own connection or any other.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/v1/connections/{own}/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/v1/connections/{other}/test", null)).StatusCode);
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/connections");
        Assert.Equal([own], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/connections?customerId={theirs}")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/connections", Body(mine))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/v1/connections/{own}")).StatusCode);
    }

    [Fact]
    public async Task The_setup_answers_the_policies_as_json_objects()
    {
        var id = (await CreateAsync(Body(await CustomerAsync()))).GetProperty("id").GetGuid();

        var setup = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{id}/setup");

        Assert.Equal(JsonValueKind.Object, setup.GetProperty("permissionPolicy").ValueKind);
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("trustPolicy").ValueKind);
        Assert.Equal(JsonValueKind.Object, setup.GetProperty("lifecycleConfiguration").ValueKind);
        Assert.Equal("2012-10-17", setup.GetProperty("permissionPolicy").GetProperty("Version").GetString());
        Assert.All(setup.GetProperty("steps").EnumerateArray().Take(4), s => Assert.StartsWith("aws ", s.GetProperty("cli").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_admins_regenerate_the_external_id()
    {
        var id = (await CreateAsync(Body(await CustomerAsync()))).GetProperty("id").GetGuid();
        var cs = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);

        Assert.Equal(HttpStatusCode.Forbidden, (await cs.PostAsync($"/api/v1/connections/{id}/external-id", null)).StatusCode);
        var response = await Admin.PostAsync($"/api/v1/connections/{id}/external-id", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string> InvalidCases() => new()
    {
        { "name", """{"name": ""}""" },
        { "name", $$"""{"name": "{{new string('n', 201)}}"}""" },
        { "kind", """{"kind": "Backup"}""" },
        { "kind", """{"kind": null}""" },
        { "kind", """{"kind": "dump"}""" },
        { "bucket", """{"bucket": ""}""" },
        { "bucket", """{"bucket": "ab"}""" },
        { "bucket", """{"bucket": "Acme-Data"}""" },
        { "bucket", """{"bucket": "acme_data"}""" },
        { "bucket", """{"bucket": "acme..data"}""" },
        { "bucket", """{"bucket": "192.168.1.1"}""" },
        { "bucket", """{"bucket": "xn--acme"}""" },
        { "bucket", """{"bucket": "acme-s3alias"}""" },
        { "bucket", """{"bucket": "arn:aws:s3:::acme-data"}""" },
        { "region", """{"region": "eu-west-9"}""" },
        { "region", """{"region": ""}""" },
        { "prefix", """{"prefix": "/portal"}""" },
        { "prefix", """{"prefix": "a//b"}""" },
        { "prefix", """{"prefix": "a#b"}""" },
        { "endpoint", """{"endpoint": "http://s3.example.com"}""" },
        { "endpoint", """{"endpoint": "not a url"}""" },
        { "stsEndpoint", """{"stsEndpoint": "ftp://sts.example.com"}""" },
        { "kmsKeyArn", """{"kmsKeyArn": "my-key"}""" },
        { "checksumMode", """{"checksumMode": "Sometimes"}""" },
        { "auth", """{"auth": null}""" },
        { "auth.method", """{"auth": {"method": "Password"}}""" },
        { "auth.roleArn", """{"auth": {"method": "AssumeRole", "roleArn": "portal-writer"}}""" },
        { "auth.roleArn", """{"auth": {"method": "AssumeRole", "roleArn": "arn:aws:iam:::role/x"}}""" },
        { "auth.roleArn", """{"auth": {"method": "AssumeRole"}}""" },
        { "auth.accessKeyId", """{"auth": {"method": "AccessKey", "secretAccessKey": "abcdefghijkl"}}""" },
        { "auth.accessKeyId", """{"auth": {"method": "AccessKey", "accessKeyId": "short", "secretAccessKey": "abcdefghijkl"}}""" },
        { "auth.secretAccessKey", """{"auth": {"method": "AccessKey", "accessKeyId": "AKIAIOSFODNN7EXAMPLE"}}""" },
        { "auth.secretAccessKey", """{"auth": {"method": "AccessKey", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": "has space in it"}}""" },
        { "format", """{"format": "xml"}""" },
        { "compression", """{"compression": "zstd"}""" },
        { "compression", """{"format": "parquet", "compression": "gzip"}""" },
        { "maxPartBytes", """{"maxPartBytes": 10}""" },
        { "maxPartBytes", """{"maxPartBytes": 6000000000000}""" },
        { "schedule", """{"schedule": "every day"}""" },
        { "schedule", """{"schedule": "61 3 * * *"}""" },
        { "retries", """{"retries": -1}""" },
        { "retries", """{"retries": 11}""" },
        { "streams[0].name", """{"streams": [{"name": "", "table": "t"}]}""" },
        { "streams[0].name", """{"streams": [{"name": "a/b", "table": "t"}]}""" },
        { "streams[1].name", """{"streams": [{"name": "a", "table": "t"}, {"name": "a", "table": "u"}]}""" },
        { "streams[0].table", """{"streams": [{"name": "a", "table": ""}]}""" },
        { "streams[0].cursorStart", """{"streams": [{"name": "a", "table": "t", "cursorStart": "2025-01-01"}]}""" },
        { "streams", """{"kind": "ArtifactSync", "streams": [{"name": "a", "table": "t"}]}""" },
        { "template", """{"template": "{stream_name}/{nope}_{part}.{extension}"}""" },
        { "template", """{"template": "/{stream_name}/{date}_{part}.{extension}"}""" },
        { "template", """{"template": "{stream_name}/{cursor_date_time}_{part}.{extension}"}""" },
        { "customerId", """{"customerId": "00000000-0000-0000-0000-000000000001"}""" },
        { "customerId", """{"customerId": null}""" },
        { "sourceId", """{"sourceId": "00000000-0000-0000-0000-000000000001"}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public async Task Invalid_input_gets_a_field_message_and_changes_nothing(string field, string patch)
    {
        var body = Body(await CustomerAsync());
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject()) body[key] = value?.DeepClone();
        var before = await CountAsync();

        var response = await Admin.PostAsJsonAsync("/api/v1/connections", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no '{field}' in {problem}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task An_invalid_update_changes_nothing()
    {
        var body = Body(await CustomerAsync());
        var id = (await CreateAsync(body)).GetProperty("id").GetGuid();

        body["bucket"] = "Bad_Bucket";
        body["name"] = "renamed";
        var response = await Admin.PutAsJsonAsync($"/api/v1/connections/{id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var stored = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{id}");
        Assert.Equal("acme-data", stored.GetProperty("bucket").GetString());
        Assert.NotEqual("renamed", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Only_admins_set_a_custom_endpoint()
    {
        var customer = await CustomerAsync();
        var body = Body(customer);
        body["endpoint"] = "http://127.0.0.1:7480";
        body["region"] = "default";
        var cs = App.CreateApiClient((await App.CreateUserAsync(Roles.CustomerSuccess)).Token);

        var refused = await cs.PostAsJsonAsync("/api/v1/connections", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("endpoint", out _));

        var created = await CreateAsync(body);
        Assert.Equal("WhenRequired", created.GetProperty("checksumMode").GetString());
    }

    [Fact]
    public async Task A_duplicate_name_within_a_customer_is_refused()
    {
        var customer = await CustomerAsync();
        await CreateAsync(Body(customer, "same"));

        var response = await Admin.PostAsJsonAsync("/api/v1/connections", Body(customer, "same"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
