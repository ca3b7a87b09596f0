namespace Portal.IntegrationTests.Artifacts;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Jobs;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;
using Quartz;

/// <summary>Artifact-sync connections through the API and Quartz, against Ceph.</summary>
[Collection(CephCollection.Name)]
public sealed class ArtifactSyncApiTests(CephServer ceph) : IDisposable
{
    private readonly PortalAppFactory _app = Create();

    private static PortalAppFactory Create()
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        return app;
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Admin => _app.CreateApiClient(_app.AdminToken);

    private string Root => Path.Combine(_app.DataDirectory, "artifacts");

    private string CommandFolder(string name)
    {
        var folder = Path.Combine(Root, name);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, "target", Path.GetRelativePath(Path.Combine(RepoPaths.Fixtures, "dbt-target-duckdb", "target"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return folder;
    }

    private async Task<object> Body(string bucket, object commands) => new
    {
        customerId = (await _app.CreateCustomerAsync("Bolt " + Guid.NewGuid())).Id,
        name = "dbt-artifacts", kind = "ArtifactSync", bucket, region = "default", prefix = "acme/",
        endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
        auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
        schedules = new[] { new { name = "daily_general", cron = "0 3 * * *", commands } },
    };

    [Fact]
    public async Task A_schedule_is_synced_now_and_lands_in_the_bolt_layout()
    {
        var seed = CommandFolder("seed");
        CommandFolder("run");
        var bucket = await ceph.CreateBucketAsync("bolt");
        var created = await Admin.PostAsJsonAsync("/api/v1/connections", await Body(bucket, new object[]
        {
            new { id = 47531, command = "dbt seed", folder = seed },
            new { id = 47532, command = "dbt run", folder = "run" },
        }));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var connection = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = connection.GetProperty("id").GetGuid();
        Assert.Equal("daily_general", connection.GetProperty("schedules")[0].GetProperty("name").GetString());

        var started = await Admin.PostAsJsonAsync($"/api/v1/connections/{id}/runs", new { schedule = "daily_general" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await Admin.WaitForEndAsync(runId, TimeSpan.FromSeconds(60));

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        Assert.Matches($@"^acme/bolt/run/daily_general/\d{{4}}/\d{{2}}/\d{{2}}/{runId}_\d+\.\d{{6}}/$", keys[0]);
        Assert.Equal("acme/bolt/run/daily_general/current.json", keys[1]);
        Assert.Equal(["47531_dbt_seed", "47532_dbt_run"], run.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        using var s3 = ceph.CreateClient();
        var current = await s3.ListObjectsV2Async(new() { BucketName = bucket, Prefix = "acme/bolt/run/daily_general/current/47532_dbt_run/target/" });
        Assert.Contains(current.S3Objects, o => o.Key.EndsWith("/target/run_results.json", StringComparison.Ordinal));
        var scheduler = await _app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.True(await scheduler.Exists(ConnectionScheduler.ArtifactScheduleOf(id, "daily_general")));

        // What a restart does before serving (syncing every connection into Quartz) keeps the schedule's trigger.
        await Portal.Infrastructure.Seeding.PortalStartup.PrepareAsync(_app.Services, _app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            _app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().ContentRootPath);
        Assert.True(await scheduler.Exists(ConnectionScheduler.ArtifactScheduleOf(id, "daily_general")));
    }

    [Fact]
    public async Task Its_manifest_lists_every_archived_file_with_its_sha256_and_verify_finds_one_deleted()
    {
        var seed = CommandFolder("seed-m");
        var bucket = await ceph.CreateBucketAsync("boltm");
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(await Body(bucket, new object[] { new { id = 7, command = "dbt seed", folder = seed } })))!.AsObject();
        body["manifests"] = true;
        var created = await Admin.PostAsJsonAsync("/api/v1/connections", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var started = await Admin.PostAsJsonAsync($"/api/v1/connections/{id}/runs", new { schedule = "daily_general" });
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var run = await Admin.WaitForEndAsync(runId, TimeSpan.FromSeconds(60));
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var (archive, manifestKey) = (keys[0], keys[^1]);
        Assert.StartsWith("acme/_manifests/", manifestKey, StringComparison.Ordinal);

        using var s3 = ceph.CreateClient();
        using var manifest = JsonDocument.Parse(await new StreamReader((await s3.GetObjectAsync(bucket, manifestKey)).ResponseStream).ReadToEndAsync());
        var files = manifest.RootElement.GetProperty("streams")[0].GetProperty("files").EnumerateArray().ToList();
        var archived = (await s3.ListObjectsV2Async(new() { BucketName = bucket, Prefix = archive })).S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(archived, files.Select(f => f.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        foreach (var file in files.Take(5))
        {
            var key = file.GetProperty("key").GetString()!;
            using var response = await s3.GetObjectAsync(bucket, key);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes);
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.Length);
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray())));
            Assert.Equal(file.GetProperty("sha256").GetString(), response.Metadata["x-amz-meta-portal-sha256"]);
            Assert.Equal(runId.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Metadata["x-amz-meta-portal-run-id"]);
        }

        var verify = $"/api/v1/connections/{id}/manifest/verify?key={Uri.EscapeDataString(manifestKey)}&sha256=true";
        Assert.True((await (await Admin.PostAsync(verify, null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("complete").GetBoolean());
        await s3.DeleteObjectAsync(bucket, archived[0]);
        var found = await (await Admin.PostAsync(verify, null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(found.GetProperty("complete").GetBoolean());
        Assert.Equal(archived[0], found.GetProperty("tables")[0].GetProperty("missing")[0].GetString());
    }

    [Fact]
    public async Task Folders_outside_the_root_through_a_link_or_missing_are_refused()
    {
        Directory.CreateDirectory(Root);
        var outside = Path.Combine(Path.GetTempPath(), "portal-outside-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(Root, "escape"), outside);
        try
        {
            foreach (var folder in new[] { "/etc", "escape", "../", "no-such-folder" })
            {
                var response = await Admin.PostAsJsonAsync("/api/v1/connections", await Body("bolt-bucket", new object[] { new { id = 1, command = "dbt run", folder } }));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
                Assert.True(errors.TryGetProperty("schedules[0].commands[0].folder", out var message), folder);
                Assert.Contains(folder.TrimEnd('/'), message[0].GetString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(outside);
        }
    }

    [Theory]
    [InlineData("""[{"name": "daily general", "cron": "0 3 * * *", "commands": [{"id": 1, "command": "dbt run", "folder": "x"}]}]""", "schedules[0].name")]
    [InlineData("""[{"name": "daily", "cron": "whenever", "commands": [{"id": 1, "command": "dbt run", "folder": "x"}]}]""", "schedules[0].cron")]
    [InlineData("""[{"name": "daily", "cron": "0 3 * * *", "commands": []}]""", "schedules[0].commands")]
    [InlineData("""[{"name": "daily", "cron": "0 3 * * *", "commands": [{"id": 0, "command": "dbt run", "folder": "x"}]}]""", "schedules[0].commands[0].id")]
    [InlineData("""[]""", "schedules")]
    public async Task Invalid_schedules_get_field_messages(string schedules, string field)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(await Body("bolt-bucket", Array.Empty<object>())))!.AsObject();
        body["schedules"] = System.Text.Json.Nodes.JsonNode.Parse(schedules);

        var response = await Admin.PostAsJsonAsync("/api/v1/connections", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
    }
}
