namespace Portal.Web.Tests.Api;

using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Portal.Core.Access;
using Portal.Tests.Shared;
using Xunit.Abstractions;

/// <summary>
/// Hostile input over every write endpoint: each field of a valid body replaced in turn by overlong, empty,
/// whitespace, control, zero-width and bidi text, wrong types, huge numbers, path tricks, bad cron, templates of
/// bad characters and deeply nested JSON. No answer is a server error, and a refused request leaves the
/// database exactly as it was (nothing half-saved).
/// </summary>
public sealed class BadInputCorpusTests(PortalAppFactory app, ITestOutputHelper output) : ApiTestBase(app)
{
    private static readonly JsonNode?[] BadValues =
    [
        "", "   ", new string('x', 5000), "\u0000", "Acme\u200b", "\u202egnp.exe", "../../../etc/passwd", "..\\..\\windows", "%2e%2e%2f",
        "{{{{", "}{", "* * * * * ?", "0 0 0 31 2 ?", "\t\r\n", "😀", "\ud800", -1, 0, long.MaxValue, 1e308, -1e308, true, new JsonArray(), new JsonObject(), null,
        Bomb,
    ];

    // Stands for 600 nested arrays, put into the body's text as it is sent (a JsonNode that deep cannot be written).
    private const string Bomb = "__nested_json_bomb__";

    private static JsonObject ConnectionBody(Guid customer) => new()
    {
        ["customerId"] = customer.ToString(), ["name"] = "corpus-" + Guid.NewGuid().ToString("N")[..6], ["kind"] = "StreamExport",
        ["bucket"] = "corpus-bucket", ["region"] = "eu-west-1", ["prefix"] = "p/", ["template"] = "{stream_name}/{part}.{extension}",
        ["format"] = "jsonl", ["compression"] = "gzip", ["schedule"] = "0 3 * * *", ["retries"] = 1, ["maxPartBytes"] = 1048576,
        ["auth"] = new JsonObject { ["method"] = "AccessKey", ["accessKeyId"] = "AKIAIOSFODNN7EXAMPLE", ["secretAccessKey"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        ["streams"] = new JsonArray(new JsonObject { ["name"] = "orders", ["table"] = "orders", ["cursorColumn"] = "id", ["cursorStart"] = "5" }),
    };

    [Fact]
    public async Task No_hostile_input_gets_a_server_error_and_no_refused_one_changes_the_database()
    {
        var customer = await App.CreateCustomerAsync("Corpus " + Guid.NewGuid());
        var existing = (await (await Admin.PostAsync("/api/v1/connections", Json(ConnectionBody(customer.Id)))).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        var user = await App.CreateUserAsync(Roles.Operator);
        var writes = new (string Method, string Path, JsonObject Body)[]
        {
            ("POST", "/api/v1/customers", new JsonObject { ["name"] = "Valid" }),
            ("POST", "/api/v1/sources", new JsonObject { ["customerId"] = customer.Id.ToString(), ["name"] = "crm", ["kind"] = "postgres", ["connectionString"] = "Host=db;Password=x" }),
            ("POST", "/api/v1/connections", ConnectionBody(customer.Id)),
            ("PUT", $"/api/v1/connections/{existing}", ConnectionBody(customer.Id)),
            ("POST", "/api/v1/key-templates/preview", new JsonObject { ["template"] = "{stream_name}/{part}.{extension}", ["parts"] = 2, ["prefix"] = "p/" }),
            ("POST", "/api/v1/users", new JsonObject { ["email"] = "corpus@test.local", ["role"] = "Operator" }),
            ("POST", $"/api/v1/users/{user.Id}/tokens", new JsonObject { ["name"] = "ci" }),
            ("POST", $"/api/v1/connections/{existing}/runs", new JsonObject { ["schedule"] = "daily" }),
        };

        var tried = 0;
        var failures = new List<string>();
        foreach (var (method, path, valid) in writes)
        {
            foreach (var field in Fields(valid))
            {
                foreach (var bad in BadValues)
                {
                    var body = (JsonObject)valid.DeepClone();
                    Set(body, field, bad?.DeepClone());
                    var before = Fingerprint();
                    using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(body) };
                    var response = await Admin.SendAsync(request);
                    tried++;
                    var status = (int)response.StatusCode;
                    if (status >= 500) failures.Add($"{method} {path} {field}={Show(bad)}: {status} {await response.Content.ReadAsStringAsync()}");
                    else if (status >= 400 && Fingerprint() != before) failures.Add($"{method} {path} {field}={Show(bad)}: {status} but the database changed");
                }
            }
        }

        output.WriteLine($"bad inputs: {tried} tried, {failures.Count} wrong");
        Assert.True(tried >= 150, $"only {tried} cases");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(30)));
    }

    private static StringContent Json(JsonNode body) =>
        new(body.ToJsonString().Replace($"\"{Bomb}\"", new string('[', 600) + new string(']', 600), StringComparison.Ordinal), Encoding.UTF8, "application/json");

    private static string Show(JsonNode? value) => value is null ? "null" : value.ToJsonString() is { Length: > 40 } s ? s[..40] + "…" : value.ToJsonString();

    // Dotted paths to every leaf and object of a body: auth.secretAccessKey, streams.0.name…
    private static IEnumerable<string> Fields(JsonNode node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    var path = prefix + k;
                    yield return path;
                    if (v is JsonObject or JsonArray) foreach (var inner in Fields(v, path + ".")) yield return inner;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var inner in Fields(a[i]!, prefix + i + ".")) yield return inner;
                break;
        }
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        for (var i = 0; i < parts.Length - 1; i++) node = node is JsonArray a ? a[int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture)]! : node[parts[i]]!;
        if (node is JsonArray array) array[int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        else node[parts[^1]] = value;
    }

    /// <summary>Every row of every table that a write could touch (the audit log among them), hashed.</summary>
    private string Fingerprint()
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(App.DataDirectory, "portal.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        var text = new StringBuilder();
        foreach (var table in new[] { "Customers", "Sources", "Connections", "Streams", "ArtifactSchedules", "AspNetUsers", "AspNetUserRoles", "ApiTokens", "AuditEntries", "Runs" })
        {
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
            try
            {
                using var reader = command.ExecuteReader();
                while (reader.Read())
                    for (var i = 0; i < reader.FieldCount; i++)
                        text.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
            }
            catch (SqliteException)
            {
                text.Append("no table ").Append(table);
            }
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
