using MlpGen;

namespace MlpGen.Benchmarks;

// The topologies of the benchmark suite, as a user declares them.
[Network(784, 16, 16, 10)] public sealed partial class Net784x16x16x10 { }
[Network(784, 30, 10)] public sealed partial class Net784x30x10 { }
[Network(784, 100, 10)] public sealed partial class Net784x100x10 { }
