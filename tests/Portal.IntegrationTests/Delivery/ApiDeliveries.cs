namespace Portal.IntegrationTests.Delivery;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Model;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>
/// Deliveries set up and run the way people do it, through the API of a portal that runs its own workers, against Ceph:
/// a customer, a source, a connection, runs and their end.
/// </summary>
internal sealed class ApiDeliveries(PortalAppFactory app, CephServer ceph)
{
    public HttpClient Admin { get; } = app.CreateApiClient(app.AdminToken);

    /// <summary>A SQLite file in the portal's sources folder: its path, and the connection string a source names it by.</summary>
    public (string Path, string ConnectionString) SqliteFile(string name)
    {
        var folder = System.IO.Path.Combine(app.DataDirectory, "sources");
        Directory.CreateDirectory(folder);
        return (System.IO.Path.Combine(folder, name), $"Data Source={name}");
    }

    /// <summary>A new customer with a source (<c>sqlite</c> or <c>postgres</c>): their ids.</summary>
    public async Task<(Guid Customer, Guid Source)> SourceAsync(string kind, string connectionString)
    {
        var customer = await app.CreateCustomerAsync("Deliveries " + Guid.NewGuid());
        var response = await Admin.PostAsJsonAsync("/api/v1/sources", new { customerId = customer.Id, name = "src-" + Guid.NewGuid().ToString("N")[..6], kind, connectionString });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (customer.Id, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    /// <summary>A connection to a new bucket under <c>portal/</c>, no retries; <paramref name="settings"/> add to or replace the defaults.</summary>
    public async Task<(Guid Id, string Bucket)> ConnectionAsync((Guid Customer, Guid Source) owner, string kind, object streams, IReadOnlyDictionary<string, object?>? settings = null)
    {
        var bucket = await ceph.CreateBucketAsync("api");
        var body = new Dictionary<string, object?>
        {
            ["customerId"] = owner.Customer, ["name"] = "c-" + Guid.NewGuid().ToString("N")[..6], ["kind"] = kind, ["bucket"] = bucket, ["region"] = "default",
            ["prefix"] = "portal/", ["endpoint"] = ceph.Endpoint, ["checksumMode"] = "WhenRequired",
            ["auth"] = new { method = "AccessKey", accessKeyId = CephServer.AccessKey, secretAccessKey = CephServer.SecretKey },
            ["sourceId"] = owner.Source, ["streams"] = streams, ["retries"] = 0, ["format"] = "jsonl", ["compression"] = "none",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, object?>()) body[key] = value;
        var response = await Admin.PostAsJsonAsync("/api/v1/connections", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), bucket);
    }

    /// <summary>Runs the connection now and waits for the run's end.</summary>
    public async Task<(long Id, JsonElement Run)> RunAsync(Guid connection)
    {
        var response = await Admin.PostAsync($"/api/v1/connections/{connection}/runs", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        return (id, await Admin.WaitForEndAsync(id));
    }

    /// <summary>A run that must succeed.</summary>
    public async Task<JsonElement> DeliverAsync(Guid connection)
    {
        var (_, run) = await RunAsync(connection);
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        return run;
    }

    /// <summary>The run's events, oldest first.</summary>
    public async Task<List<JsonElement>> EventsAsync(long run) =>
        [.. (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run}/events")).GetProperty("items").EnumerateArray()];

    /// <summary>Every object of the bucket (under a prefix), with its metadata when asked.</summary>
    public async Task<List<S3Object>> ObjectsAsync(string bucket, string prefix = "")
    {
        using var s3 = ceph.CreateClient();
        var all = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token });
            all.AddRange(page.S3Objects ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return all;
    }

    public async Task<string> TextAsync(string bucket, string key)
    {
        using var s3 = ceph.CreateClient();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    public async Task<IDictionary<string, string>> MetadataAsync(string bucket, string key)
    {
        using var s3 = ceph.CreateClient();
        var head = await s3.GetObjectMetadataAsync(bucket, key);
        return head.Metadata.Keys.ToDictionary(k => k.Replace("x-amz-meta-", "", StringComparison.Ordinal), k => head.Metadata[k]);
    }
}
