using BenchmarkDotNet.Running;
using Portal.Benchmarks;

// dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*KeyTemplate*'
// bash tests/Portal.Benchmarks/dump-benchmark.sh        (starts Ceph, calls "dump" below)
// bash tests/Portal.Benchmarks/listing-benchmark.sh     (starts Ceph, calls "seed" and "list" below)
if (args is ["dump", ..]) return await DumpBenchmark.RunAsync(args[1..]);
if (args is ["runs-sql"]) return await RunsPagingBenchmarks.PrintSqlAsync();
if (args is ["seed" or "list", ..])
{
    var named = Enumerable.Range(0, (args.Length - 1) / 2).ToDictionary(i => args[1 + 2 * i].TrimStart('-'), i => args[2 + 2 * i]);
    return args[0] == "seed" ? await ListingBenchmark.SeedAsync(named) : await ListingBenchmark.ListAsync(named);
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
