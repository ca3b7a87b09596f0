namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>Run manifests, through the API and Quartz against Ceph: written last, true to the bucket, and written for a failure too.</summary>
[Collection(CephCollection.Name)]
public sealed class ManifestTests(CephServer ceph) : IDisposable
{
    private readonly PortalAppFactory _app = CreateApp();

    private static PortalAppFactory CreateApp()
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        app.Settings["Portal:Delivery:RequestTimeout"] = "00:00:10";
        return app;
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Admin => _app.CreateApiClient(_app.AdminToken);

    private async Task<(Guid Id, string Bucket)> ConnectionAsync(string kind, object streams, bool? manifests = null)
    {
        var sources = Path.Combine(_app.DataDirectory, "sources");
        Directory.CreateDirectory(sources);
        File.Copy(RepoPaths.ChinookDatabase, Path.Combine(sources, "chinook.sqlite"), overwrite: true);
        var customer = await _app.CreateCustomerAsync("Manifests " + Guid.NewGuid());
        var source = await (await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "chinook", kind = "sqlite", connectionString = "Data Source=chinook.sqlite" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var bucket = await ceph.CreateBucketAsync("manifest");
        var response = await Admin.PostAsJsonAsync("/api/v1/connections", new
        {
            customerId = customer.Id, name = "m-" + Guid.NewGuid().ToString("N")[..6], kind, bucket, region = "default", prefix = "portal/",
            endpoint = ceph.Endpoint, checksumMode = "WhenRequired",
            auth = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            sourceId = source.GetProperty("id").GetGuid(), streams, retries = 0, manifests, format = "jsonl", compression = "gzip",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    private async Task<(long Id, JsonElement Run)> RunAsync(Guid connection)
    {
        var id = (await (await Admin.PostAsync($"/api/v1/connections/{connection}/runs", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        return (id, await Admin.WaitForEndAsync(id));
    }

    private async Task<List<S3Object>> ObjectsAsync(string bucket)
    {
        using var s3 = ceph.CreateClient();
        return (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
    }

    private async Task<byte[]> BytesAsync(string bucket, string key)
    {
        using var s3 = ceph.CreateClient();
        using var answer = await s3.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await answer.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_stream_exports_manifest_is_its_last_object_and_lists_exactly_what_the_bucket_holds()
    {
        var (connection, bucket) = await ConnectionAsync("StreamExport", new object[]
        {
            new { name = "invoices", table = "Invoice", cursorColumn = "InvoiceId" },
            new { name = "artists", table = "Artist" },
        });

        var (runId, run) = await RunAsync(connection);

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var manifestKey = keys[^1]; // written last
        var today = DateTime.UtcNow;
        Assert.Matches($@"^portal/_manifests/\d{{4}}/\d{{2}}/\d{{2}}/{runId}\.json$", manifestKey);
        var objects = await ObjectsAsync(bucket);
        var manifestObject = objects.Single(o => o.Key == manifestKey);
        Assert.All(objects, o => Assert.True(o.LastModified <= manifestObject.LastModified, $"{o.Key} after the manifest"));

        using var manifest = JsonDocument.Parse(await BytesAsync(bucket, manifestKey));
        var root = manifest.RootElement;
        Assert.Equal(runId, root.GetProperty("run_id").GetInt64());
        Assert.Equal(connection.ToString(), root.GetProperty("connection_id").GetString());
        Assert.Equal(("StreamExport", "succeeded"), (root.GetProperty("kind").GetString(), root.GetProperty("status").GetString()));
        var streams = root.GetProperty("streams").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(JsonValueKind.Null, streams["invoices"].GetProperty("cursor_from").ValueKind); // a first run: from the start
        Assert.Equal("412", streams["invoices"].GetProperty("cursor_to").GetString());
        Assert.Equal(412, streams["invoices"].GetProperty("row_count").GetInt64());
        Assert.Equal(JsonValueKind.Null, streams["artists"].GetProperty("cursor_to").ValueKind);

        // Its files are the bucket's data files, byte for byte.
        var listed = streams.Values.SelectMany(s => s.GetProperty("files").EnumerateArray()).ToList();
        Assert.Equal(objects.Where(o => o.Key != manifestKey && !o.Key.StartsWith("portal/_schemas/", StringComparison.Ordinal)).Select(o => o.Key).Order(StringComparer.Ordinal),
            listed.Select(f => f.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        // Each stream's schema file (its first run writes it) is in the bucket.
        Assert.All(streams.Values, s => Assert.Contains(objects, o => o.Key == s.GetProperty("schema").GetString()));
        foreach (var file in listed)
        {
            var bytes = await BytesAsync(bucket, file.GetProperty("key").GetString()!);
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.LongLength);
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        // Verify checks the bucket against it: complete now; then a deleted part and one changed in place (same size) are found.
        var verify = $"/api/v1/connections/{connection}/manifest/verify?key={Uri.EscapeDataString(manifestKey)}&sha256=true";
        var clean = await (await Admin.PostAsync(verify, null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(clean.GetProperty("tables").EnumerateArray(), t => Assert.Equal("complete", t.GetProperty("status").GetString()));
        var invoicesKey = streams["invoices"].GetProperty("files")[0].GetProperty("key").GetString()!;
        var artistsKey = streams["artists"].GetProperty("files")[0].GetProperty("key").GetString()!;
        using (var s3 = ceph.CreateClient())
        {
            var changed = await BytesAsync(bucket, invoicesKey);
            changed[^10] ^= 0xFF;
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = invoicesKey, InputStream = new MemoryStream(changed) });
            await s3.DeleteObjectAsync(bucket, artistsKey);
        }
        var found = (await (await Admin.PostAsync(verify, null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tables").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("modified", found["invoices"].GetProperty("status").GetString());
        Assert.Equal(invoicesKey, found["invoices"].GetProperty("modified")[0].GetProperty("key").GetString());
        Assert.Equal("incomplete", found["artists"].GetProperty("status").GetString());
        Assert.Equal(artistsKey, found["artists"].GetProperty("missing")[0].GetString());

        // The next run (no new rows) starts where this one ended.
        var (nextId, _) = await RunAsync(connection);
        using var next = JsonDocument.Parse(await BytesAsync(bucket, (await ObjectsAsync(bucket)).Single(o => o.Key.EndsWith($"/{nextId}.json", StringComparison.Ordinal)).Key));
        var invoices = next.RootElement.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "invoices");
        Assert.Equal(("412", "412", 0L), (invoices.GetProperty("cursor_from").GetString(), invoices.GetProperty("cursor_to").GetString(), invoices.GetProperty("row_count").GetInt64()));
    }

    [Fact]
    public async Task A_failed_run_writes_a_failed_manifest_with_the_errors_class_and_no_files()
    {
        var (connection, bucket) = await ConnectionAsync("StreamExport", new object[] { new { name = "invoices", table = "Invoice", cursorColumn = "InvoiceId" } });
        BigTables.Execute(Path.Combine(_app.DataDirectory, "sources", "chinook.sqlite"), "ALTER TABLE Invoice RENAME COLUMN InvoiceId TO Id");

        var (runId, run) = await RunAsync(connection);

        Assert.Equal("Failed", run.GetProperty("status").GetString());
        var manifest = Assert.Single(await ObjectsAsync(bucket));
        Assert.EndsWith($"/{runId}.json", manifest.Key, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await BytesAsync(bucket, manifest.Key));
        Assert.Equal("failed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("CursorColumn", json.RootElement.GetProperty("error_class").GetString());
        Assert.Empty(json.RootElement.GetProperty("streams").EnumerateArray());
    }

    [Fact]
    public async Task Manifests_are_a_setting_off_by_default_for_dumps_and_written_after_the_receipt_when_on()
    {
        var (off, offBucket) = await ConnectionAsync("Dump", new object[] { new { name = "artists", table = "Artist" } });
        var (on, onBucket) = await ConnectionAsync("Dump", new object[] { new { name = "artists", table = "Artist" } }, manifests: true);
        Assert.False((await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/connections/{off}")).GetProperty("manifests").GetBoolean());

        await RunAsync(off);
        var (_, run) = await RunAsync(on);

        Assert.DoesNotContain(await ObjectsAsync(offBucket), o => o.Key.Contains("_manifests/", StringComparison.Ordinal));
        var keys = run.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        Assert.Equal("portal/receipt.json", keys[^2]);
        Assert.StartsWith("portal/_manifests/", keys[^1], StringComparison.Ordinal);
        Assert.Contains(await ObjectsAsync(onBucket), o => o.Key == keys[^1]);
    }
}
