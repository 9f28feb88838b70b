
namespace MlpGen.Tests.Numerics;

// The inference sample's trained weights, baked in by the generator from the test project's
// <AdditionalFiles Include="..\MlpGen.InferenceSample\digits.mlpw" />.
[Network(784, 16, 16, 10, Weights = "digits.mlpw")] public partial class BakedDigitNet { }
