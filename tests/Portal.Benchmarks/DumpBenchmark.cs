namespace Portal.Benchmarks;

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Sources;

/// <summary>
/// Times the portal's dump of one SQLite table into an S3 bucket, with the process's peak memory.
/// Arguments: --db FILE --table NAME --endpoint URL --bucket NAME --access-key K --secret-key S [--level fastest|optimal|smallest].
/// Prints "portal: rows N seconds S rows/s R MB/s M peak-MB P".
/// </summary>
public static class DumpBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Later arguments win: the script's defaults come first.
        var a = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2) a[args[i].TrimStart('-')] = args[i + 1];
        var db = Path.GetFullPath(a["db"]);
        var secrets = new PlainSecrets();
        var connection = new Connection
        {
            Name = "bench", Kind = DeliveryKind.Dump, Bucket = a["bucket"], Region = "us-east-1", Prefix = "portal/",
            Endpoint = a["endpoint"], ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey,
            AccessKeyId = a["access-key"], SecretAccessKeyCipher = a["secret-key"], ExternalId = "bench",
            Format = "ndjson", Compression = "gzip", CompressionLevel = a.GetValueOrDefault("level", Portal.Core.Formats.FileFormats.Optimal),
            Streams = Tables(db, a["table"]).Select((t, i) => new ConnectionStream { Name = t, Table = t, Position = i }).ToList(),
        };
        var source = new Source { Name = "bench", Kind = SourceKind.Sqlite, ConnectionStringCipher = $"Data Source={db}" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Portal:DataDirectory", Path.GetDirectoryName(db))]).Build();
        var sources = new SourceReaderFactory(secrets, Options.Create(new SourceOptions { SqliteRoot = "." }), configuration, new Environment());
        var runner = new DeliveryRunner(
            new ConnectionCredentials(secrets, Options.Create(new AwsOptions()), TimeProvider.System), new S3ClientFactory(), sources,
            Options.Create(new DeliveryOptions()), NullLogger<DeliveryRunner>.Instance);

        // The time S3 requests take (part uploads, the metadata copies of multipart files), from the portal's own spans.
        var spans = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Portal.Infrastructure.Telemetry.PortalTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => spans.AddOrUpdate(a.DisplayName, a.Duration.TotalSeconds, (_, t) => t + a.Duration.TotalSeconds),
        };
        ActivitySource.AddActivityListener(listener);

        // --runs N: the dump N times in one process. The first is a new process's first dump ("cold": .NET still compiles the
        // code as it runs); the last is what a running worker does, and the one compared.
        var runs = int.Parse(a.GetValueOrDefault("runs", "1"), CultureInfo.InvariantCulture);
        long rows = 0;
        var dumpCpu = 0.0;
        for (var run = 1; run <= runs; run++)
        {
            var (clock, cpuBefore, allocatedBefore, gcBefore) = (Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
            var outcome = await runner.RunAsync(connection, source, new DeliveryRequest(run, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow), _ => { }, null, CancellationToken.None);
            clock.Stop();
            rows = outcome.Streams.Sum(s => s.Rows);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var bytes = outcome.Streams.Sum(s => s.Bytes);
            var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(run == 1 && runs > 1 ? "cold " : run < runs ? "warm-up " : "")}portal: rows {rows} seconds {clock.Elapsed.TotalSeconds:F2} rows/s {rows / clock.Elapsed.TotalSeconds:F0} MB/s {bytes / 1048576.0 / clock.Elapsed.TotalSeconds:F2} stored-MB {bytes / 1048576.0:F1} peak-MB {peak:F0} cpu-s {cpu.TotalSeconds:F2} allocated-MB {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0:F0} gen0-gcs {GC.CollectionCount(0) - gcBefore}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  S3 requests (seconds, summed over concurrent ones): part uploads {spans.GetValueOrDefault("part upload"):F2}, metadata copies {spans.GetValueOrDefault("metadata copy"):F2}"));
            spans.Clear();
            dumpCpu = cpu.TotalSeconds;
        }
        if (a.ContainsKey("phases")) await PhasesAsync(connection, source, sources, rows, dumpCpu);
        return 0;
    }

    /// <summary>
    /// Where the time goes: the same rows read only, then read and serialised (to nowhere), then also compressed (to
    /// nowhere), each timed with the process's CPU time; what the full dump adds beyond the last is the upload.
    /// </summary>
    private static async Task PhasesAsync(Connection connection, Source source, SourceReaderFactory sources, long rows, double dumpCpu)
    {
        async Task<(double Wall, double Cpu)> TimeAsync(Func<ConnectionStream, IReadOnlyList<Portal.Core.Formats.SourceColumn>, Stream?> sink)
        {
            var (clock, cpu) = (Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime);
            await Parallel.ForEachAsync(connection.Streams, new ParallelOptions { MaxDegreeOfParallelism = new DeliveryOptions().StreamParallelism }, async (stream, ct) =>
            {
                await using var reader = sources.Open(source);
                var columns = await reader.ColumnsAsync(stream.Table, ct);
                await using var output = sink(stream, columns);
                var writer = output is null ? null : Portal.Core.Formats.RowWriters.Create(connection.Format, output, columns);
                await foreach (var batch in reader.ReadAsync(stream.Table, columns, null, ct))
                    if (writer is not null)
                        for (var row = 0; row < batch.Count; row++) await writer.WriteRowAsync(batch, row, ct);
                if (writer is not null)
                {
                    await writer.CompleteAsync(ct);
                    await writer.DisposeAsync();
                }
                if (output is Portal.Core.Formats.ParallelGzipStream gzip) await gzip.CompleteAsync(ct);
            });
            return (clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        var read = await TimeAsync((_, _) => null);
        var serialise = await TimeAsync((_, _) => Stream.Null);
        var compress = await TimeAsync((_, _) => new Portal.Core.Formats.ParallelGzipStream(Stream.Null,
            Portal.Core.Formats.FileFormats.LevelOf(connection.CompressionLevel), 1024 * 1024));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"phases ({rows} rows; wall s / cpu s): read {read.Wall:F2}/{read.Cpu:F2}, + serialise {serialise.Wall:F2}/{serialise.Cpu:F2}, + compress {compress.Wall:F2}/{compress.Cpu:F2} (the full dump adds the upload)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"where the dump's CPU goes (s): reading {read.Cpu:F2}, serialising {serialise.Cpu - read.Cpu:F2}, compressing {compress.Cpu - serialise.Cpu:F2}, uploading and the rest {dumpCpu - compress.Cpu:F2} (of {dumpCpu:F2})"));
    }

    // "all": every table of the SQLite file (the many-tables shape); otherwise the one named.
    private static IEnumerable<string> Tables(string db, string table)
    {
        if (table != "all") return [table];
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Benchmark";
        public string ApplicationName { get; set; } = "Portal.Benchmarks";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
