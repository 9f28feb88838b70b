
namespace MlpGen.Benchmarks;

// The topologies of the benchmark suite, as a user declares them.
[Network(784, 16, 16, 10)] public sealed partial class Net784x16x16x10 { }
[Network(784, 30, 10)] public sealed partial class Net784x30x10 { }
[Network(784, 100, 10)] public sealed partial class Net784x100x10 { }

// The modern recipe's network: ReLU hidden layer, softmax output (log-likelihood cost).
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)] public sealed partial class Net784x100x10ReLUSoftmax { }

// The same network in the two forced code shapes, for the side-by-side shape benchmark. (For these
// topologies Auto emits the Simd shape: every layer is at least one vector wide.)
[Network(784, 16, 16, 10, CodeShape = NetworkCodeShape.Simd)] public sealed partial class Net784x16x16x10Simd { }
#pragma warning disable MLPG017 // unrolled scalar code is slower: that is what this benchmark shows
[Network(784, 16, 16, 10, CodeShape = NetworkCodeShape.UnrolledScalar)] public sealed partial class Net784x16x16x10Unrolled { }

// A tiny network (Iris-sized) where Auto writes the 4-wide first layer out as straight-line code.
[Network(4, 8, 3)] public sealed partial class Net4x8x3 { }
[Network(4, 8, 3, CodeShape = NetworkCodeShape.Simd)] public sealed partial class Net4x8x3Simd { }
[Network(4, 8, 3, CodeShape = NetworkCodeShape.UnrolledScalar)] public sealed partial class Net4x8x3Unrolled { }
#pragma warning restore MLPG017

// The networks of the side-by-side with ONNX Runtime (OnnxBenchmarks): ReLU hidden layers, softmax output.
[Network(784, 512, 512, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)] public sealed partial class Net784x512x512x10ReLUSoftmax { }

// The int8 network of the Int8Benchmarks: the Sample's Fashion-MNIST 784-100-10 ReLU/softmax network, quantized by its quantize command.
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Weights = "fashion-int8.mlpw")] public sealed partial class FashionInt8 { }
