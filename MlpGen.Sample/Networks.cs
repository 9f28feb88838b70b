using MlpGen;

namespace MlpGen.Sample;

// The networks this sample can train. Each attribute is all it takes: the generator writes the
// feedforward and backpropagation code of each class at compile time.

/// <summary>The network of the MlpGen README: two hidden layers of 16 neurons.</summary>
[Network(784, 16, 16, 10)]
internal sealed partial class DigitNet { }

/// <summary>The network of Nielsen's book, chapter 1: one hidden layer of 30 neurons.</summary>
[Network(784, 30, 10)]
internal sealed partial class DigitNet30 { }

/// <summary>A wider hidden layer of 100 neurons.</summary>
[Network(784, 100, 10)]
internal sealed partial class DigitNet100 { }

// The same topologies trained on the cross-entropy cost (the book's chapter 3, network2.py).

[Network(784, 16, 16, 10, Cost = NetworkCost.CrossEntropy)]
internal sealed partial class DigitNetCrossEntropy { }

[Network(784, 30, 10, Cost = NetworkCost.CrossEntropy)]
internal sealed partial class DigitNet30CrossEntropy { }

[Network(784, 100, 10, Cost = NetworkCost.CrossEntropy)]
internal sealed partial class DigitNet100CrossEntropy { }

/// <summary>Creates the network the command line asks for.</summary>
internal static class Networks
{
    public static readonly string[] Topologies = { "784-16-16-10", "784-30-10", "784-100-10" };

    public static readonly string[] Costs = { "quadratic", "cross-entropy" };

    public static INetwork<float> Create(string topology, string cost, int seed) => (topology, cost) switch
    {
        ("784-30-10", "quadratic") => new DigitNet30(seed),
        ("784-100-10", "quadratic") => new DigitNet100(seed),
        ("784-16-16-10", "quadratic") => new DigitNet(seed),
        ("784-30-10", _) => new DigitNet30CrossEntropy(seed),
        ("784-100-10", _) => new DigitNet100CrossEntropy(seed),
        _ => new DigitNetCrossEntropy(seed),
    };
}
