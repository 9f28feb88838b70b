using BenchmarkDotNet.Running;
using MlpGen.Benchmarks;

// dotnet run -c Release --project MlpGen.Benchmarks -- --filter '*'        (everything, about 25 minutes)
// dotnet run -c Release --project MlpGen.Benchmarks -- --filter '*Forward*' (one class; --list flat lists them)
BenchmarkSwitcher.FromAssembly(typeof(SuiteConfig).Assembly).Run(args, SuiteConfig.Create());
