namespace Portal.IntegrationTests.Buckets;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Receipts;
using Portal.Core.Runs;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Runs;
using Portal.Tests.Shared;

/// <summary>/api/v1/connections/{id}/objects, receipt and artifacts over HTTP: JSON shapes, the prefix clamp and who may call them.</summary>
[Collection(CephCollection.Name)]
public sealed class BucketsApiTests(CephServer ceph) : IAsyncLifetime
{
    private BucketHarness _h = null!;
    private Guid _customer;
    private Guid _connection;

    public async Task InitializeAsync()
    {
        _h = await BucketHarness.CreateAsync(ceph);
        _customer = (await _h.App.CreateCustomerAsync("Acme " + Guid.NewGuid().ToString("N")[..6])).Id;
        _h.Connection.CustomerId = _customer;
        await using var scope = _h.App.Services.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Connections.Add(_h.Connection);
        await db.SaveChangesAsync();
        _connection = _h.Connection.Id;
        await _h.PutAsync("acme/2025-04-15T11:23/artist/artist_0.csv", "id,name\n1,AC/DC\n2,Accept\n");
        await _h.PutAsync("acme/2025-04-15T11:23/schemas/bigquery/artist.json", "[{\"name\":\"id\",\"type\":\"INTEGER\"}]");
        await _h.PutAsync("other/secret.csv", "secret,data\n");
    }

    public Task DisposeAsync()
    {
        _h.Dispose();
        return Task.CompletedTask;
    }

    private HttpClient Admin => _h.App.CreateApiClient(_h.App.AdminToken);

    private string Url(string path) => $"/api/v1/connections/{_connection}/{path}";

    [Fact]
    public async Task The_listing_has_folders_objects_with_key_size_and_last_modified_and_the_next_token()
    {
        var root = await Admin.GetFromJsonAsync<JsonElement>(Url("objects"));
        Assert.Equal(["acme/2025-04-15T11:23/"], root.GetProperty("folders").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nextContinuationToken").ValueKind);

        var folder = await Admin.GetFromJsonAsync<JsonElement>(Url("objects?prefix=" + Uri.EscapeDataString("acme/2025-04-15T11:23/artist/")));
        var o = Assert.Single(folder.GetProperty("objects").EnumerateArray());
        Assert.Equal("acme/2025-04-15T11:23/artist/artist_0.csv", o.GetProperty("key").GetString());
        Assert.Equal(25, o.GetProperty("size").GetInt64());
        Assert.True(o.GetProperty("lastModified").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("STANDARD", o.GetProperty("storageClass").GetString());
    }

    [Fact]
    public async Task Continuation_tokens_page_through_more_than_1000_keys()
    {
        await _h.PutManyAsync(Enumerable.Range(0, 1001).Select(i => $"acme/many/{i:D4}"));

        var first = await Admin.GetFromJsonAsync<JsonElement>(Url("objects?prefix=acme/many/"));
        var token = first.GetProperty("nextContinuationToken").GetString();
        var second = await Admin.GetFromJsonAsync<JsonElement>(Url($"objects?prefix=acme/many/&continuationToken={Uri.EscapeDataString(token!)}"));

        Assert.Equal(1000, first.GetProperty("objects").GetArrayLength());
        Assert.Equal("acme/many/1000", Assert.Single(second.GetProperty("objects").EnumerateArray()).GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextContinuationToken").ValueKind);
    }

    [Theory]
    [InlineData("objects?prefix=other/")]
    [InlineData("objects?prefix=acme")]
    [InlineData("objects?prefix=/other/")]
    [InlineData("objects?prefix=%2Fother%2F")]
    [InlineData("objects?prefix=acme/../other/")]
    [InlineData("objects?prefix=acme/%2e%2e/other/")]
    [InlineData("objects?prefix=acme%2F%2E%2E%2Fother%2F")]
    [InlineData("objects?prefix=acme/%252e%252e/other/")]
    [InlineData("objects?prefix=acme%5C..%5Cother%5C")]
    [InlineData("objects/details?key=other/secret.csv")]
    [InlineData("objects/preview?key=other/secret.csv")]
    [InlineData("objects/preview?key=acme/%2e%2e/other/secret.csv")]
    [InlineData("objects/preview?key=acme%2F..%2Fother%2Fsecret.csv")]
    [InlineData("objects/preview?key=%2Fother/secret.csv")]
    [InlineData("objects/preview")]
    [InlineData("objects/download?key=other/secret.csv")]
    [InlineData("objects/download?key=acme/../other/secret.csv")]
    [InlineData("objects/download?key=acme/%252e%252e/other/secret.csv")]
    [InlineData("receipt?prefix=other/")]
    [InlineData("receipt?prefix=acme/..")]
    [InlineData("artifacts/..%2F..%2Fother/archive?month=2025-04")]
    public async Task Keys_and_prefixes_outside_the_connections_prefix_are_not_found(string path)
    {
        using var response = await Admin.GetAsync(Url(path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_outside_the_prefix_is_not_found()
    {
        using var response = await Admin.PostAsync(Url("receipt/verify?prefix=other/"), null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_preview_and_a_download_link_come_back_and_the_link_returns_the_bytes()
    {
        var preview = await Admin.GetFromJsonAsync<JsonElement>(Url("objects/preview?key=acme/2025-04-15T11:23/artist/artist_0.csv"));
        Assert.Equal(("table", "csv"), (preview.GetProperty("kind").GetString(), preview.GetProperty("format").GetString()));
        Assert.Equal(["id", "name"], preview.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("AC/DC", preview.GetProperty("rows")[0][1].GetString());

        var download = await Admin.GetFromJsonAsync<JsonElement>(Url("objects/download?key=acme/2025-04-15T11:23/artist/artist_0.csv"));
        Assert.True(download.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(14));
        using var http = new HttpClient();
        Assert.Equal("id,name\n1,AC/DC\n2,Accept\n", await http.GetStringAsync(new Uri(download.GetProperty("url").GetString()!)));
        // Who took a link to which object is in the audit log.
        await using (var scope = _h.App.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Portal.Infrastructure.Persistence.PortalDbContext>();
            var entry = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "DownloadLinkCreated" && e.EntityId == _connection.ToString()).SingleAsync();
            Assert.StartsWith("acme/2025-04-15T11:23/artist/artist_0.csv", entry.Details, StringComparison.Ordinal);
            Assert.NotNull(entry.UserId);
        }

        var details = await Admin.GetFromJsonAsync<JsonElement>(Url("objects/details?key=acme/2025-04-15T11:23/artist/artist_0.csv"));
        Assert.StartsWith("\"", details.GetProperty("eTag").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_receipt_links_its_run_and_verify_reports_each_table()
    {
        Run run;
        await using (var scope = _h.App.Services.CreateSystemScope())
            run = await scope.ServiceProvider.GetRequiredService<RunRecorder>().CreateAsync(_h.Connection, RunTrigger.Manual, 1, null, default);
        var receipt = Receipt.Build(DateTimeOffset.UtcNow, "acme/2025-04-15T11:23", run.Id, _connection.ToString(),
            [new ReceiptTable("artist", "acme/2025-04-15T11:23/artist", "acme/2025-04-15T11:23/schemas/bigquery/artist.json", 2,
                [new ReceiptFile("acme/2025-04-15T11:23/artist/artist_0.csv", 25, 2, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("id,name\n1,AC/DC\n2,Accept\n"u8.ToArray())))])],
            null);
        await _h.PutAsync("acme/receipt.json", receipt.ToJsonString());

        var read = await Admin.GetFromJsonAsync<JsonElement>(Url("receipt"));
        Assert.Equal("acme/receipt.json", read.GetProperty("key").GetString());
        Assert.Equal($"/runs/{run.Id}", read.GetProperty("runUrl").GetString());
        var table = Assert.Single(read.GetProperty("tables").EnumerateArray());
        Assert.Equal((1, 2L, 25L), (table.GetProperty("totalFileCount").GetInt32(), table.GetProperty("rowCount").GetInt64(), table.GetProperty("bytes").GetInt64()));

        using var verified = await Admin.PostAsync(Url("receipt/verify?sha256=true"), null);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var result = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("complete").GetBoolean());
        Assert.Equal("complete", result.GetProperty("tables")[0].GetProperty("status").GetString());
        Assert.Equal(1, result.GetProperty("tables")[0].GetProperty("hashedFiles").GetInt32());

        await _h.PutAsync("acme/2025-04-15T11:23/artist/artist_1.csv", "id,name\n3,Aerosmith\n");
        var again = await (await Admin.PostAsync(Url("receipt/verify?prefix=acme/"), null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("extra", again.GetProperty("tables")[0].GetProperty("status").GetString());
        Assert.Equal("acme/2025-04-15T11:23/artist/artist_1.csv", again.GetProperty("tables")[0].GetProperty("extra")[0].GetString());
    }

    [Fact]
    public async Task A_customer_reads_their_own_bucket_but_another_customers_connection_is_not_found_and_anonymous_calls_are_refused()
    {
        var own = await _h.App.CreateUserAsync(Roles.Customer, _customer);
        var otherCustomer = await _h.App.CreateCustomerAsync("Globex " + Guid.NewGuid().ToString("N")[..6]);
        var stranger = await _h.App.CreateUserAsync(Roles.Customer, otherCustomer.Id);
        var operatorUser = await _h.App.CreateUserAsync(Roles.Operator);
        await _h.PutAsync("acme/receipt.json", Receipt.Build(DateTimeOffset.UtcNow, "acme/x", 1, "", [], null).ToJsonString());
        var paths = new[]
        {
            "objects", "objects/details?key=acme/2025-04-15T11:23/artist/artist_0.csv", "objects/preview?key=acme/2025-04-15T11:23/artist/artist_0.csv",
            "objects/download?key=acme/2025-04-15T11:23/artist/artist_0.csv", "receipt", "artifacts",
        };

        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.OK, (await _h.App.CreateApiClient(own.Token).GetAsync(Url(path))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _h.App.CreateApiClient(operatorUser.Token).GetAsync(Url(path))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await _h.App.CreateApiClient(stranger.Token).GetAsync(Url(path))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await _h.App.CreateApiClient(null).GetAsync(Url(path))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await _h.App.CreateApiClient(own.Token).PostAsync(Url("receipt/verify"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _h.App.CreateApiClient(stranger.Token).PostAsync(Url("receipt/verify"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _h.App.CreateApiClient(null).PostAsync(Url("receipt/verify"), null)).StatusCode);
    }

    [Fact]
    public async Task A_bucket_the_credentials_cannot_read_is_a_502_with_a_sentence()
    {
        await using (var scope = _h.App.Services.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var c = await db.Connections.FindAsync(_connection);
            c!.Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
            await db.SaveChangesAsync();
        }

        using var response = await Admin.GetAsync(Url("objects"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("bucket does not exist", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
