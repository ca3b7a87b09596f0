using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*KeyTemplate*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
