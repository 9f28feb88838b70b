
namespace MlpGen.InferenceSample;

// The generator writes the network and bakes in the parameters MlpGen.Sample trained and saved:
//   dotnet run --project MlpGen.Sample -c Release -- -t 784-16-16-10 -e 30 -s 1 \
//       -d ../shared/data/mnist-digits-10k -o MlpGen.InferenceSample/digits.mlpw
[Network(784, 16, 16, 10, Weights = "digits.mlpw")]
internal sealed partial class DigitNet { }

// The same network quantized to 8 bits (docs/quantization.md): integer kernels, a quarter of the data. quantize reads a
// version 2 file, which records the activations; digits.mlpw is version 1, so it was first given the lines
// 'activations sigmoid sigmoid sigmoid' and 'cost quadratic' (and 'MLPW 2'), then
//   dotnet run --project MlpGen.Sample -c Release -- quantize digits-v2.mlpw MlpGen.InferenceSample/digits-int8.mlpw \
//       -d ../shared/data/mnist-digits-10k --full-range
// (float 90.15 %, int8 90.15 % on the 2,000 test digits; same class for 99.7 %). --full-range: every row of weights on
// ±127, so the app and its tests run the x64 kernels' unpaired loops on a real network (the default, paired, gives 99.9 %).
[Network(784, 16, 16, 10, Weights = "digits-int8.mlpw")]
internal sealed partial class DigitNetInt8 { }
