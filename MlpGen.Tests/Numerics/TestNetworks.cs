using System;
using System.Collections.Generic;

namespace MlpGen.Tests.Numerics;

// Networks generated for the tests: the seed's worked example, degenerate and deep shapes, the
// digit networks, and shapes whose layers exercise every part of the SIMD kernels (leftover rows,
// a leftover vector, scalar tails) in both element types.

[Network(2, 2, 1)] public partial class Net2x2x1 { }
[Network(2, 2, 1, ElementType = typeof(double))] public partial class Net2x2x1D { }
[Network(1, 1)] public partial class Net1x1 { }
[Network(1, 1, ElementType = typeof(double))] public partial class Net1x1D { }
[Network(1, 4, 10)] public partial class Net1x4x10 { }   // more outputs than inputs: a batch's output count can pass int.MaxValue
[Network(3, 5, 7, 2, 4)] public partial class Net3x5x7x2x4 { }
[Network(3, 5, 7, 2, 4, ElementType = typeof(double))] public partial class Net3x5x7x2x4D { }
[Network(37, 19, 5)] public partial class Net37x19x5 { }
[Network(37, 19, 5, ElementType = typeof(double))] public partial class Net37x19x5D { }
[Network(5, 37, 29, 3)] public partial class Net5x37x29x3 { }
[Network(5, 37, 29, 3, ElementType = typeof(double))] public partial class Net5x37x29x3D { }
[Network(16, 32, 16)] public partial class Net16x32x16 { }
[Network(784, 16, 16, 10)] public partial class Net784x16x16x10 { }
[Network(784, 16, 16, 10, ElementType = typeof(double))] public partial class Net784x16x16x10D { }
[Network(784, 30, 10)] public partial class Net784x30x10 { }
[Network(784, 30, 10, ElementType = typeof(double))] public partial class Net784x30x10D { }
[Network(784, 100, 10)] public partial class Net784x100x10 { }
[Network(784, 100, 10, ElementType = typeof(double))] public partial class Net784x100x10D { }
[Network(3, 5, 7, 2, 4, Cost = NetworkCost.CrossEntropy)] public partial class Net3x5x7x2x4CE { }
[Network(3, 5, 7, 2, 4, Cost = NetworkCost.CrossEntropy, ElementType = typeof(double))] public partial class Net3x5x7x2x4CED { }
[Network(37, 19, 5, ElementType = typeof(double), Cost = NetworkCost.CrossEntropy)] public partial class Net37x19x5CED { }
[Network(784, 30, 10, Cost = NetworkCost.CrossEntropy)] public partial class Net784x30x10CE { }
[Network(784, 30, 10, Cost = NetworkCost.CrossEntropy, ElementType = typeof(double))] public partial class Net784x30x10CED { }
// The network of the network2.py parity fixture (Fixtures/network2_parity.py).
[Network(784, 10, 10, Cost = NetworkCost.CrossEntropy, ElementType = typeof(double))] public partial class Net784x10x10CED { }

// The forced code shapes (Auto is every network above): all-SIMD, including layers narrower than a
// vector, and fully unrolled scalar code, including rows longer than one method holds (600 > 400).
[Network(2, 2, 1, ElementType = typeof(double), CodeShape = NetworkCodeShape.Simd)] public partial class Net2x2x1DSimd { }
[Network(37, 19, 5, ElementType = typeof(double), CodeShape = NetworkCodeShape.Simd)] public partial class Net37x19x5DSimd { }
[Network(3, 5, 7, 2, 4, CodeShape = NetworkCodeShape.Simd)] public partial class Net3x5x7x2x4Simd { }
[Network(784, 16, 16, 10, CodeShape = NetworkCodeShape.Simd)] public partial class Net784x16x16x10Simd { }
[Network(2, 2, 1, ElementType = typeof(double), CodeShape = NetworkCodeShape.UnrolledScalar)] public partial class Net2x2x1DUnrolled { }
[Network(37, 19, 5, ElementType = typeof(double), CodeShape = NetworkCodeShape.UnrolledScalar)] public partial class Net37x19x5DUnrolled { }
[Network(600, 3, 2, ElementType = typeof(double), CodeShape = NetworkCodeShape.UnrolledScalar)] public partial class Net600x3x2DUnrolled { }
[Network(16, 32, 16, CodeShape = NetworkCodeShape.UnrolledScalar)] public partial class Net16x32x16Unrolled { }
[Network(600, 3, 2, CodeShape = NetworkCodeShape.UnrolledScalar)] public partial class Net600x3x2Unrolled { }

// Activations and output/cost combinations, in both element types: 37-19-5 has SIMD blocks with leftover
// rows and columns, 3-5-7-2-4 straight-line layers (and SIMD ones in double), 16-32-16 a softmax over two
// whole float vectors, 784-30-10 one over a vector and a tail; 5-37-29-3 sets each hidden layer apart.
[Network(37, 19, 5, Hidden = NetworkActivation.Tanh)] public partial class Net37x19x5Tanh { }
[Network(37, 19, 5, Hidden = NetworkActivation.Tanh, ElementType = typeof(double))] public partial class Net37x19x5TanhD { }
[Network(37, 19, 5, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)] public partial class Net37x19x5ReLUSoftmax { }
[Network(37, 19, 5, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, ElementType = typeof(double))] public partial class Net37x19x5ReLUSoftmaxD { }
[Network(37, 19, 5, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Identity)] public partial class Net37x19x5LeakyIdentity { }
[Network(37, 19, 5, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class Net37x19x5LeakyIdentityD { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Softmax, Cost = NetworkCost.Quadratic)] public partial class Net3x5x7x2x4TanhSoftmaxQ { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Softmax, Cost = NetworkCost.Quadratic, ElementType = typeof(double))] public partial class Net3x5x7x2x4TanhSoftmaxQD { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Identity)] public partial class Net3x5x7x2x4ReLUIdentity { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class Net3x5x7x2x4ReLUIdentityD { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.LeakyReLU, Cost = NetworkCost.CrossEntropy, ElementType = typeof(double))] public partial class Net3x5x7x2x4LeakyCED { }
[Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.ReLU, NetworkActivation.Tanh }, Output = NetworkOutput.Softmax)] public partial class Net5x37x29x3Mixed { }
[Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.ReLU, NetworkActivation.Tanh }, Output = NetworkOutput.Softmax, ElementType = typeof(double))] public partial class Net5x37x29x3MixedD { }
[Network(16, 32, 16, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)] public partial class Net16x32x16ReLUSoftmax { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)] public partial class Net784x30x10ReLUSoftmax { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, ElementType = typeof(double))] public partial class Net784x30x10ReLUSoftmaxD { }
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU)] public partial class Net784x100x10ReLU { }
[Network(1, 1, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class Net1x1IdentityD { }

// GELU, SiLU and log-softmax (issue 22): 37-19-5 GELU on SIMD layers into a log-softmax narrower than a vector,
// 3-5-7-2-4 SiLU on straight-line layers, 5-37-29-3 one of each hidden layer, 16-32-16 a log-softmax over two whole
// float vectors, 784-30-10 one over a vector and a tail.
[Network(37, 19, 5, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax)] public partial class Net37x19x5GeluLogSoftmax { }
[Network(37, 19, 5, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, ElementType = typeof(double))] public partial class Net37x19x5GeluLogSoftmaxD { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.Identity)] public partial class Net3x5x7x2x4SiluIdentity { }
[Network(3, 5, 7, 2, 4, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class Net3x5x7x2x4SiluIdentityD { }
[Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.GELU, NetworkActivation.SiLU }, Output = NetworkOutput.Softmax)] public partial class Net5x37x29x3GeluSilu { }
[Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.GELU, NetworkActivation.SiLU }, Output = NetworkOutput.Softmax, ElementType = typeof(double))] public partial class Net5x37x29x3GeluSiluD { }
[Network(16, 32, 16, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.LogSoftmax)] public partial class Net16x32x16SiluLogSoftmax { }
[Network(784, 30, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax)] public partial class Net784x30x10GeluLogSoftmax { }
[Network(784, 30, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, ElementType = typeof(double))] public partial class Net784x30x10GeluLogSoftmaxD { }

/// <summary>
/// Factories of the test networks by topology and what sets them apart ("ce": cross-entropy; "relu softmax":
/// ReLU hidden layers, softmax output; "mixed": ReLU then tanh), for theories. The math tests read each
/// network's activations and cost from the network itself (<see cref="INetwork{T}.Activations"/>), which
/// CostTests checks against the declarations.
/// </summary>
public static class TestNetworks
{
    /// <summary>The layer sizes in a test network's name ("37-19-5 simd" → 37, 19, 5).</summary>
    public static int[] Sizes(string name) => Array.ConvertAll(name.Split(' ')[0].Split('-'), int.Parse);

    public static readonly Dictionary<string, Func<int, INetwork<double>>> Double = new()
    {
        ["2-2-1"] = seed => new Net2x2x1D(seed),
        ["1-1"] = seed => new Net1x1D(seed),
        ["3-5-7-2-4"] = seed => new Net3x5x7x2x4D(seed),
        ["37-19-5"] = seed => new Net37x19x5D(seed),
        ["5-37-29-3"] = seed => new Net5x37x29x3D(seed),
        ["784-16-16-10"] = seed => new Net784x16x16x10D(seed),
        ["784-30-10"] = seed => new Net784x30x10D(seed),
        ["784-100-10"] = seed => new Net784x100x10D(seed),
        ["3-5-7-2-4 ce"] = seed => new Net3x5x7x2x4CED(seed),
        ["37-19-5 ce"] = seed => new Net37x19x5CED(seed),
        ["784-30-10 ce"] = seed => new Net784x30x10CED(seed),
        ["2-2-1 simd"] = seed => new Net2x2x1DSimd(seed),
        ["37-19-5 simd"] = seed => new Net37x19x5DSimd(seed),
        ["2-2-1 unrolled"] = seed => new Net2x2x1DUnrolled(seed),
        ["37-19-5 unrolled"] = seed => new Net37x19x5DUnrolled(seed),
        ["600-3-2 unrolled"] = seed => new Net600x3x2DUnrolled(seed),
        ["37-19-5 tanh"] = seed => new Net37x19x5TanhD(seed),
        ["37-19-5 relu softmax"] = seed => new Net37x19x5ReLUSoftmaxD(seed),
        ["37-19-5 leaky identity"] = seed => new Net37x19x5LeakyIdentityD(seed),
        ["3-5-7-2-4 tanh softmax quadratic"] = seed => new Net3x5x7x2x4TanhSoftmaxQD(seed),
        ["3-5-7-2-4 relu identity"] = seed => new Net3x5x7x2x4ReLUIdentityD(seed),
        ["3-5-7-2-4 leaky ce"] = seed => new Net3x5x7x2x4LeakyCED(seed),
        ["5-37-29-3 mixed"] = seed => new Net5x37x29x3MixedD(seed),
        ["784-30-10 relu softmax"] = seed => new Net784x30x10ReLUSoftmaxD(seed),
        ["1-1 identity"] = seed => new Net1x1IdentityD(seed),
        ["37-19-5 gelu log-softmax"] = seed => new Net37x19x5GeluLogSoftmaxD(seed),
        ["3-5-7-2-4 silu identity"] = seed => new Net3x5x7x2x4SiluIdentityD(seed),
        ["5-37-29-3 gelu silu"] = seed => new Net5x37x29x3GeluSiluD(seed),
        ["784-30-10 gelu log-softmax"] = seed => new Net784x30x10GeluLogSoftmaxD(seed),
    };

    public static readonly Dictionary<string, Func<int, INetwork<float>>> Single = new()
    {
        ["2-2-1"] = seed => new Net2x2x1(seed),
        ["1-1"] = seed => new Net1x1(seed),
        ["3-5-7-2-4"] = seed => new Net3x5x7x2x4(seed),
        ["37-19-5"] = seed => new Net37x19x5(seed),
        ["5-37-29-3"] = seed => new Net5x37x29x3(seed),
        ["16-32-16"] = seed => new Net16x32x16(seed),
        ["784-16-16-10"] = seed => new Net784x16x16x10(seed),
        ["784-30-10"] = seed => new Net784x30x10(seed),
        ["784-100-10"] = seed => new Net784x100x10(seed),
        ["3-5-7-2-4 ce"] = seed => new Net3x5x7x2x4CE(seed),
        ["784-30-10 ce"] = seed => new Net784x30x10CE(seed),
        ["3-5-7-2-4 simd"] = seed => new Net3x5x7x2x4Simd(seed),
        ["784-16-16-10 simd"] = seed => new Net784x16x16x10Simd(seed),
        ["16-32-16 unrolled"] = seed => new Net16x32x16Unrolled(seed),
        ["600-3-2 unrolled"] = seed => new Net600x3x2Unrolled(seed),
        ["37-19-5 tanh"] = seed => new Net37x19x5Tanh(seed),
        ["37-19-5 relu softmax"] = seed => new Net37x19x5ReLUSoftmax(seed),
        ["37-19-5 leaky identity"] = seed => new Net37x19x5LeakyIdentity(seed),
        ["3-5-7-2-4 tanh softmax quadratic"] = seed => new Net3x5x7x2x4TanhSoftmaxQ(seed),
        ["3-5-7-2-4 relu identity"] = seed => new Net3x5x7x2x4ReLUIdentity(seed),
        ["5-37-29-3 mixed"] = seed => new Net5x37x29x3Mixed(seed),
        ["16-32-16 relu softmax"] = seed => new Net16x32x16ReLUSoftmax(seed),
        ["784-30-10 relu softmax"] = seed => new Net784x30x10ReLUSoftmax(seed),
        ["784-100-10 relu"] = seed => new Net784x100x10ReLU(seed),
        ["37-19-5 gelu log-softmax"] = seed => new Net37x19x5GeluLogSoftmax(seed),
        ["3-5-7-2-4 silu identity"] = seed => new Net3x5x7x2x4SiluIdentity(seed),
        ["5-37-29-3 gelu silu"] = seed => new Net5x37x29x3GeluSilu(seed),
        ["16-32-16 silu log-softmax"] = seed => new Net16x32x16SiluLogSoftmax(seed),
        ["784-30-10 gelu log-softmax"] = seed => new Net784x30x10GeluLogSoftmax(seed),
    };

    public static IEnumerable<object[]> DoubleTopologies()
    {
        foreach (string name in Double.Keys) yield return new object[] { name };
    }

    public static IEnumerable<object[]> SingleTopologies()
    {
        foreach (string name in Single.Keys) yield return new object[] { name };
    }
}
