
namespace MlpGen.InferenceSample;

// The generator writes the network and bakes in the parameters MlpGen.Sample trained and saved:
//   dotnet run --project MlpGen.Sample -c Release -- -t 784-16-16-10 -e 30 -s 1 \
//       -d ../shared/data/mnist-digits-10k -o MlpGen.InferenceSample/digits.mlpw
[Network(784, 16, 16, 10, Weights = "digits.mlpw")]
internal sealed partial class DigitNet { }
