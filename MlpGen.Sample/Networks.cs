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
