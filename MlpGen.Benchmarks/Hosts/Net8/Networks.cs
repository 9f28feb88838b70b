namespace MlpGen.Benchmarks.Net8;

// The networks of HostShapes, as a .NET 8 app declares them.
[Network(784, 100, 10)] public sealed partial class Net784x100x10 { }
[Network(784, 16, 16, 10)] public sealed partial class Net784x16x16x10 { }
