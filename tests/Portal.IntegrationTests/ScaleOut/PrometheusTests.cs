namespace Portal.IntegrationTests.ScaleOut;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Model;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Notifications;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>A real Prometheus scrapes a real portal process while it delivers a dump into Ceph.</summary>
[Collection(CephCollection.Name)]
public sealed class PrometheusTests(CephServer ceph) : IAsyncLifetime
{
    private readonly PortalNodes _nodes = new("prom");
    private readonly string _prometheus = Path.Combine(Path.GetTempPath(), "portal-prometheus-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _nodes.StopAllAsync();
        await ScriptRunner.RunAsync("prometheus-down.sh", [_prometheus]);
    }

    private static async Task<double?> QueryAsync(HttpClient prometheus, string promql)
    {
        var answer = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<double?> WaitForAsync(HttpClient prometheus, string promql, double want, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        double? last;
        do
        {
            last = await QueryAsync(prometheus, promql);
            if (last == want) return last;
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);
        return last;
    }

    [Fact]
    public async Task After_a_dump_prometheus_counts_one_run_succeeded_and_the_bytes_the_receipt_names()
    {
        var portal = _nodes.Start();
        var api = await portal.ApiAsync(_nodes.Token);
        var url = (await ScriptRunner.RunAsync("prometheus-up.sh", [_prometheus, FreePort.Next().ToString(CultureInfo.InvariantCulture), $"127.0.0.1:{portal.Port}"])).Trim().Split('\n')[^1];
        using var prometheus = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(1, await WaitForAsync(prometheus, "up{job=\"portal\"}", 1, TimeSpan.FromSeconds(30)));

        var bucket = await ceph.CreateBucketAsync("prom");
        var (_, connection, _) = await NotificationTests.ConnectionAsync(api, _nodes.Data, ceph.Endpoint, bucket);
        var run = await NotificationTests.RunNowAsync(api, connection);
        var ended = await api.WaitForEndAsync(run);
        Assert.Equal("Succeeded", ended.GetProperty("status").GetString());
        using var s3 = ceph.CreateClient();
        using var stored = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "portal/receipt.json" });
        var receipt = (await JsonDocument.ParseAsync(stored.ResponseStream)).RootElement;
        var receiptBytes = receipt.GetProperty("tables").EnumerateObject().Sum(t => t.Value.GetProperty("bytes").GetInt64());
        var receiptRows = receipt.GetProperty("tables").EnumerateObject().Sum(t => t.Value.GetProperty("row_count").GetInt64());

        Assert.Equal(1, await WaitForAsync(prometheus, "sum(portal_runs_ended_total{status=\"Succeeded\"})", 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(receiptBytes, await WaitForAsync(prometheus, "sum(portal_delivered_bytes_total)", receiptBytes, TimeSpan.FromSeconds(30)));
        Assert.Equal(receiptRows, await WaitForAsync(prometheus, "sum(portal_delivered_rows_total{kind=\"Dump\"})", receiptRows, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await QueryAsync(prometheus, "sum(portal_runs_started_total{kind=\"Dump\"})"));
        Assert.Equal(1, await QueryAsync(prometheus, "sum(portal_run_duration_seconds_count{status=\"Succeeded\"})"));
        Assert.Equal(0, await QueryAsync(prometheus, "sum(portal_runs_running)"));
        // No label anywhere carries the customer's or connection's name.
        var series = await prometheus.GetStringAsync("/api/v1/series?match[]=" + Uri.EscapeDataString("{job=\"portal\"}"));
        Assert.DoesNotContain("chinook dumps", series, StringComparison.Ordinal);
        Assert.DoesNotContain("Notified ", series, StringComparison.Ordinal);
        Assert.DoesNotContain(bucket, series, StringComparison.Ordinal);

        // The run's log lines carry its ids as a scope, so one run's lines can be filtered.
        var lines = portal.Output.ToList();
        Assert.True(lines.Any(l => l.Contains($"run {run} of connection {connection}", StringComparison.Ordinal)),
            string.Join("\n", lines.Select((l, n) => (l, n)).Where(x => x.l.Contains("of run", StringComparison.Ordinal)).SelectMany(x => lines.Skip(Math.Max(0, x.n - 3)).Take(4)).Take(24)));

        // Every query of the Grafana dashboard in deploy/ is one this Prometheus accepts, and those on runs answer.
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "deploy", "grafana", "portal-dashboard.json"))).RootElement;
        var queries = dashboard.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(queries.Count >= 10);
        foreach (var expr in queries)
        {
            var answer = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(expr.Replace("$job", ".*", StringComparison.Ordinal)));
            Assert.True(answer.GetProperty("status").GetString() == "success", expr);
        }
        Assert.Equal(1, await QueryAsync(prometheus, "max(portal_runs_queued) + 1"));
    }
}
