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

/// <summary>Factories of the test networks by topology ("… ce" for the cross-entropy cost), for theories.</summary>
public static class TestNetworks
{
    /// <summary>True for the networks trained on the cross-entropy cost.</summary>
    public static bool IsCrossEntropy(string name) => name.EndsWith(" ce", StringComparison.Ordinal);

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
