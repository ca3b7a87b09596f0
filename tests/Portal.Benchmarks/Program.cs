using BenchmarkDotNet.Running;
using Portal.Benchmarks;

// dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*KeyTemplate*'
// bash tests/Portal.Benchmarks/dump-benchmark.sh        (starts Ceph, calls "dump" below)
if (args is ["dump", ..]) return await DumpBenchmark.RunAsync(args[1..]);
if (args is ["runs-sql"]) return await RunsPagingBenchmarks.PrintSqlAsync();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
