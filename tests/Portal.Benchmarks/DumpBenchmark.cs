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
        var a = Enumerable.Range(0, args.Length / 2).ToDictionary(i => args[2 * i].TrimStart('-'), i => args[2 * i + 1]);
        var db = Path.GetFullPath(a["db"]);
        var secrets = new PlainSecrets();
        var connection = new Connection
        {
            Name = "bench", Kind = DeliveryKind.Dump, Bucket = a["bucket"], Region = "us-east-1", Prefix = "portal/",
            Endpoint = a["endpoint"], ChecksumMode = ChecksumPolicy.WhenRequired, AuthMethod = AuthMethod.AccessKey,
            AccessKeyId = a["access-key"], SecretAccessKeyCipher = a["secret-key"], ExternalId = "bench",
            Format = "ndjson", Compression = "gzip", CompressionLevel = a.GetValueOrDefault("level", Portal.Core.Formats.FileFormats.Optimal),
            Streams = [new ConnectionStream { Name = a["table"], Table = a["table"] }],
        };
        var source = new Source { Name = "bench", Kind = SourceKind.Sqlite, ConnectionStringCipher = $"Data Source={db}" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Portal:DataDirectory", Path.GetDirectoryName(db))]).Build();
        var sources = new SourceReaderFactory(secrets, Options.Create(new SourceOptions { SqliteRoot = "." }), configuration, new Environment());
        var runner = new DeliveryRunner(
            new ConnectionCredentials(secrets, Options.Create(new AwsOptions()), TimeProvider.System), new S3ClientFactory(), sources,
            Options.Create(new DeliveryOptions()), NullLogger<DeliveryRunner>.Instance);

        var clock = Stopwatch.StartNew();
        var outcome = await runner.RunAsync(connection, source, new DeliveryRequest(1, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow), _ => { }, null, CancellationToken.None);
        clock.Stop();
        var rows = outcome.Streams.Sum(s => s.Rows);
        var bytes = outcome.Streams.Sum(s => s.Bytes);
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"portal: rows {rows} seconds {clock.Elapsed.TotalSeconds:F2} rows/s {rows / clock.Elapsed.TotalSeconds:F0} MB/s {bytes / 1048576.0 / clock.Elapsed.TotalSeconds:F2} stored-MB {bytes / 1048576.0:F1} peak-MB {peak:F0}"));
        return 0;
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Benchmark";
        public string ApplicationName { get; set; } = "Portal.Benchmarks";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
