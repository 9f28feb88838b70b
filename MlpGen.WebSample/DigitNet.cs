
namespace MlpGen.WebSample;

// The generator writes the network and bakes in the parameters MlpGen.Sample trained and saved
// (8,000 training digits, 1,000 of them held out for validation; 95.35 % on the 2,000 test digits):
//   dotnet run --project MlpGen.Sample -c Release -- -t 784-100-10 --hidden relu --output softmax \
//       --optimizer adam -e 30 -m 10 --lambda 5 --validation 1000 -s 1 \
//       -d ../shared/data/mnist-digits-10k -o MlpGen.WebSample/digits.mlpw
// The softmax output is a probability for each digit: the page draws the ten as bars.
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Weights = "digits.mlpw")]
internal sealed partial class DigitNet { }
