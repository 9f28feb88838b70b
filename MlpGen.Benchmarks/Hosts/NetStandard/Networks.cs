namespace MlpGen.Benchmarks.NetStandard
{
    // The networks of HostShapes, as a .NET Standard 2.0 library at C# 9 declares them.
    [Network(784, 100, 10)] public sealed partial class Net784x100x10 { }
    [Network(784, 16, 16, 10)] public sealed partial class Net784x16x16x10 { }
}
