namespace Portal.IntegrationTests.ScaleOut;

using System.Collections.Concurrent;
using System.Diagnostics;
using Portal.Infrastructure.Telemetry;
using Portal.IntegrationTests.Notifications;
using Portal.IntegrationTests.Runs;
using Portal.Tests.Shared;

/// <summary>A run's trace as an OTLP exporter would receive it: one activity per run, a span per stream and per part upload.</summary>
[Collection(CephCollection.Name)]
public sealed class RunTraceTests(CephServer ceph) : IDisposable
{
    private readonly PortalAppFactory _app = CreateApp();

    private static PortalAppFactory CreateApp()
    {
        var app = new PortalAppFactory();
        app.Settings["Portal:RunWorkers"] = "true";
        return app;
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_dump_is_one_run_activity_with_a_span_per_stream_and_part_upload()
    {
        var seen = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PortalTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var admin = _app.CreateApiClient(_app.AdminToken);
        var (_, connection, _) = await NotificationTests.ConnectionAsync(admin, _app.DataDirectory, ceph.Endpoint, await ceph.CreateBucketAsync("trace"));

        var runId = await NotificationTests.RunNowAsync(admin, connection);
        Assert.Equal("Succeeded", (await admin.WaitForEndAsync(runId)).GetProperty("status").GetString());

        var run = Assert.Single(seen, a => a.OperationName == "run" && Equals(a.GetTagItem("portal.run_id"), runId));
        Assert.Equal(connection.ToString(), run.GetTagItem("portal.connection_id"));
        var streams = seen.Where(a => a.ParentSpanId == run.SpanId && a.OperationName.StartsWith("stream ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["stream albums", "stream artists"], streams.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        Assert.All(streams, s => Assert.Equal(run.TraceId, s.TraceId));
        var parts = seen.Where(a => a.OperationName == "part upload" && a.TraceId == run.TraceId).ToList();
        Assert.NotEmpty(parts);
        Assert.All(parts, p => Assert.Contains(p.ParentSpanId, streams.Select(s => s.SpanId)));
    }
}
