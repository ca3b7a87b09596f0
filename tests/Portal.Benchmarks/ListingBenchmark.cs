namespace Portal.Benchmarks;

using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Connections;
using Portal.Core.Secrets;
using Portal.Infrastructure.Buckets;
using Portal.Infrastructure.S3;
using Portal.Infrastructure.Secrets;

/// <summary>
/// The bucket browser's listing over a prefix of many objects (issue 8).
/// <c>seed --endpoint URL --bucket B --prefix P --count N --access-key K --secret-key S</c> puts N tiny objects (64 PUTs in flight) unless the last one is there.
/// <c>list … --pages K</c> times the first page the way the portal reads it (client, credentials, one ListObjectsV2 of 1,000 keys),
/// then pages on K-1 times, and prints the managed heap after the first and the last page: flat, because no page is kept.
/// </summary>
public static class ListingBenchmark
{
    public static async Task<int> SeedAsync(Dictionary<string, string> a)
    {
        var count = int.Parse(a["count"], CultureInfo.InvariantCulture);
        using var s3 = new S3ClientFactory().Create(Endpoint(a), new BasicAWSCredentials(a["access-key"], a["secret-key"]));
        var last = Key(a["prefix"], count - 1);
        try
        {
            await s3.GetObjectMetadataAsync(a["bucket"], last);
            Console.WriteLine($"seed: {count} objects already under {a["prefix"]}");
            return 0;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Not seeded yet.
        }
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = a["bucket"], Key = Key(a["prefix"], i), ContentBody = "{}" }, ct));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed: {count} objects in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F0} PUT/s)"));
        return 0;
    }

    public static async Task<int> ListAsync(Dictionary<string, string> a)
    {
        var pages = int.Parse(a.GetValueOrDefault("pages", "1"), CultureInfo.InvariantCulture);
        var secrets = new PlainSecrets();
        var options = Options.Create(new BucketOptions());
        var connection = new Connection
        {
            Name = "bench", Bucket = a["bucket"], Region = "us-east-1", Prefix = "", Endpoint = a["endpoint"], ChecksumMode = ChecksumPolicy.WhenRequired,
            AuthMethod = AuthMethod.AccessKey, AccessKeyId = a["access-key"], SecretAccessKeyCipher = a["secret-key"], ExternalId = "bench",
        };
        var browser = new BucketBrowser(
            new BucketClients(new S3ClientFactory(), new ConnectionCredentials(secrets, Options.Create(new AwsOptions()), TimeProvider.System), options),
            options, TimeProvider.System, NullLogger<BucketBrowser>.Instance);

        var clock = Stopwatch.StartNew();
        var page = await browser.ListAsync(connection, a["prefix"], null, CancellationToken.None);
        var first = clock.Elapsed;
        var keys = (long)page.Objects.Count;
        var heapAfterFirst = Heap();
        var warm = Stopwatch.StartNew();
        await browser.ListAsync(connection, a["prefix"], null, CancellationToken.None);
        var warmFirst = warm.Elapsed;
        var done = 1;
        var all = Stopwatch.StartNew();
        for (var token = page.NextContinuationToken; token is not null && done < pages; done++)
        {
            page = await browser.ListAsync(connection, a["prefix"], token, CancellationToken.None);
            keys += page.Objects.Count;
            token = page.NextContinuationToken;
        }
        var heapAfterLast = Heap();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"portal: first-page-ms {first.TotalMilliseconds:F1} warm-first-page-ms {warmFirst.TotalMilliseconds:F1} pages {done} keys {keys} pages-per-s {(done - 1) / Math.Max(all.Elapsed.TotalSeconds, 1e-9):F1} heap-MB-after-first {heapAfterFirst:F1} heap-MB-after-last {heapAfterLast:F1} peak-MB {peak:F0}"));
        return 0;
    }

    private static double Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024);
    }

    private static string Key(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D6}.json");

    private static S3Endpoint Endpoint(Dictionary<string, string> a) => new("us-east-1", a["endpoint"], ChecksumPolicy.WhenRequired);
}
