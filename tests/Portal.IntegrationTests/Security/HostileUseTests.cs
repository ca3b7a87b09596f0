namespace Portal.IntegrationTests.Security;

using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;
using Xunit.Abstractions;

/// <summary>
/// A real portal process used as a hostile Customer would and as staff do every day: memory stays bounded under
/// parallel maximum-size previews, and the secrets it was given appear in no answer, log line or database page.
/// </summary>
[Collection(CephCollection.Name)]
public sealed class HostileUseTests(CephServer ceph, ITestOutputHelper output) : IAsyncLifetime
{
    private const string AccessSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYKNOWNSECRET1";
    private const string SourcePassword = "Pg-Known-Secret-Password-42";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "portal-hostile-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _token = "ptl_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    private PortalProcess? _portal;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_data, "sources"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null) await _portal.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private async Task<HttpClient> StartAsync()
    {
        _portal = PortalProcess.Start(new Dictionary<string, string>
        {
            ["Portal:DataDirectory"] = _data,
            ["ConnectionStrings:Portal"] = $"Data Source={Path.Combine(_data, "portal.db")}",
            ["Portal:Bootstrap:AdminEmail"] = "admin@hostile.test",
            ["Portal:Bootstrap:AdminPassword"] = "Admin-Passw0rd!-hostile",
            ["Portal:Bootstrap:AdminApiToken"] = _token,
            ["Portal:RateLimits:PreviewsPerUser"] = "10000",
            ["Logging:LogLevel:Default"] = "Debug",
        });
        return await _portal.ApiAsync(_token);
    }

    [Fact]
    public async Task Eight_parallel_maximum_size_previews_as_a_customer_keep_the_process_under_400_MB()
    {
        var admin = await StartAsync();
        var customer = (await (await admin.PostAsJsonAsync("/api/v1/customers", new { name = "Hostile" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var bucket = await ceph.CreateBucketAsync("hostile");
        // A 40 MB gzip of text: a preview may fetch 8 MiB of it at most.
        using (var s3 = ceph.CreateClient())
        {
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                var line = Encoding.UTF8.GetBytes("{\"id\":1,\"payload\":\"" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(400)) + "\"}\n");
                for (var i = 0; i < 40_000; i++) await gzip.WriteAsync(line);
            }
            buffer.Position = 0;
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "portal/big.ndjson.gz", InputStream = buffer });
        }
        var connection = (await (await admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer, name = "hostile", kind = "Dump", bucket, region = "default", prefix = "portal/", endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
        })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var user = await (await admin.PostAsJsonAsync("/api/v1/users", new { email = "hostile@customer.test", role = "Customer", customerId = customer })).Content.ReadFromJsonAsync<JsonElement>();
        var token = (await (await admin.PostAsJsonAsync($"/api/v1/users/{user.GetProperty("id").GetString()}/tokens", new { name = "t" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var hostile = new HttpClient { BaseAddress = admin.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        hostile.DefaultRequestHeaders.Authorization = new("Bearer", token);
        // Keys near S3's 1,024 bytes, 2,000 of them: the largest preview there is.
        var template = string.Concat(Enumerable.Repeat("{stream_name}/{iso_date_time}/", 27)) + "{part}.{extension}";
        var streams = Enumerable.Range(0, 1000).Select(i => new { name = "stream_" + i }).ToArray();

        for (var round = 0; round < 4; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i => i % 2 == 0
                ? await hostile.PostAsJsonAsync("/api/v1/key-templates/preview", new { template, streams = streams.Take(1000).ToArray(), parts = 2, connectionId = connection })
                : await hostile.GetAsync($"/api/v1/connections/{connection}/objects/preview?key=portal/big.ndjson.gz")));
            Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.OK, a.StatusCode));
            var keys = (await answers[0].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
            Assert.Equal(2000, keys.GetArrayLength());
            Assert.True(keys[0].GetProperty("key").GetString()!.Length > 800);
        }

        var peak = _portal!.PeakMemoryBytes();
        output.WriteLine($"peak memory after 4 rounds of 8 parallel maximum-size previews: {peak / 1024 / 1024} MB");
        Assert.True(peak < 400L * 1024 * 1024, $"peak {peak / 1024 / 1024} MB");
    }

    [Fact]
    public async Task Secrets_given_to_the_portal_appear_in_no_answer_no_log_line_and_no_database_page()
    {
        var admin = await StartAsync();
        var answers = new StringBuilder();
        async Task<JsonElement> Post(string path, object body)
        {
            var response = await admin.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            answers.AppendLine(text);
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
        async Task Get(string path) => answers.AppendLine(await (await admin.GetAsync(path)).Content.ReadAsStringAsync());

        var customer = (await Post("/api/v1/customers", new { name = "Secrets" })).GetProperty("id").GetGuid();
        var source = (await Post("/api/v1/sources", new { customerId = customer, name = "crm", kind = "postgres", connectionString = $"Host=127.0.0.1;Port=9;Database=crm;Username=reader;Password={SourcePassword}" }))
            .GetProperty("id").GetGuid();
        var bucket = await ceph.CreateBucketAsync("secrets");
        var good = (await Post("/api/v1/connections", new
        {
            customerId = customer, name = "good", kind = "Dump", bucket, region = "default", prefix = "portal/", endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
        })).GetProperty("id").GetGuid();
        var bad = (await Post("/api/v1/connections", new
        {
            customerId = customer, name = "bad", kind = "StreamExport", bucket, region = "default", endpoint = ceph.Endpoint, checksumMode = "WhenRequired", sourceId = source,
            auth = new { method = "AccessKey", accessKeyId = "AKIAIOSFODNN7EXAMPLE", secretAccessKey = AccessSecret },
            streams = new[] { new { name = "orders", table = "orders" } }, retries = 0,
        })).GetProperty("id").GetGuid();
        await Post($"/api/v1/connections/{good}/test", new { });
        await Post($"/api/v1/connections/{bad}/test", new { });
        var run = (await Post($"/api/v1/connections/{bad}/runs", new { })).GetProperty("id").GetInt64();
        answers.AppendLine((await admin.WaitForEndAsync(run, TimeSpan.FromSeconds(60))).GetRawText());
        foreach (var path in new[] { "/api/v1/sources", "/api/v1/connections", $"/api/v1/connections/{bad}", $"/api/v1/connections/{bad}/setup", $"/api/v1/runs/{run}/events",
            $"/api/v1/connections/{good}/objects?prefix=portal/", "/api/v1/runs", "/api/v1/users" })
            await Get(path);

        await _portal!.KillAsync();
        var logs = string.Join('\n', _portal.Output);
        var database = string.Concat(Directory.GetFiles(_data, "portal.db*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        foreach (var secret in new[] { AccessSecret, SourcePassword })
        {
            Assert.DoesNotContain(secret, answers.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, database, StringComparison.Ordinal);
        }
        output.WriteLine($"secrets found: 0 in {answers.Length:N0} characters of answers, {_portal.Output.Count:N0} log lines and {database.Length:N0} bytes of database");
    }
}
