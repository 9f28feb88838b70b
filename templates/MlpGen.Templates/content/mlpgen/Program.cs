//-:cnd:noEmit   (for the template engine, which leaves this line out: the #if BAKED below are C#'s, not its own)
using System;
using System.Diagnostics;
using System.Net.Http;
using MlpGen;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Training;

// A neural network that reads handwritten digits. MlpGen's source generator writes its code (feedforward,
// backpropagation, every size a constant) from the [Network] declaration at the end of this file; the MlpGen
// runtime trains it here, saves it, and the next build bakes it into the program. README.md tells more.

// 1. The data: MNIST, 60,000 training and 10,000 test images of handwritten digits, 28×28 grey pixels each. From the
//    directory given (its IDX files, raw or .gz), else downloaded once (11 MB, SHA-256 checked) into a per-user cache.
string data = args.Length > 0 ? args[0] : MnistDownloader.DefaultCacheDirectory;
using (var http = new HttpClient()) await new MnistDownloader(http).EnsureAsync(data, Console.WriteLine);
Dataset<float> train = Mnist.Load(data, MnistSplit.Train);
Dataset<float> test = Mnist.Load(data, MnistSplit.Test);

// 2. The network: 784 inputs (one per pixel), a hidden layer of ReLU neurons, 10 softmax outputs (the probability of
//    each digit). The generated constructor draws the weights from He's N(0, 2/n_in), seeded: the same every run.
var network = new DigitNetwork(seed: 1);
Console.WriteLine(ModelSummary.Of(network));

// 3. Training: Adam on mini-batches of 32 images, η = 0.001, on the log-likelihood cost (softmax's). After each epoch
//    (one pass over the training images) the runtime counts the test images the network gets right.
var options = new SgdOptions { Epochs = 10, MiniBatchSize = 32, Optimizer = Optimizer.Adam(), Eta = 0.001, Seed = 1 };
Console.WriteLine($"Training on {train.Count} images for {options.Epochs} epochs, testing on {test.Count}:");
long start = Stopwatch.GetTimestamp();
TrainingHistory history = Sgd.Train(network, train, options, test, progress: new PrintEachEpoch());
EpochReport last = history[^1];
Console.WriteLine($"Trained in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s: {last.Correct} / {last.Total} test images right.");

// 4. Saving: the weights and biases, with the layer sizes and activations, in a weights file beside the project.
WeightsFile.Save("digits.mlpw", network);
Console.WriteLine("Weights saved to digits.mlpw; from the next build on, they are baked into BakedDigitNetwork.");

#if BAKED
// 5. Baking. This part is compiled when digits.mlpw was there at build time (the project file then defines BAKED): the
//    generator read the file and built its weights into BakedDigitNetwork, which needs no file at run time. So this
//    is the network that the previous run saved. An app that only runs a network needs only the MlpGen.Generator
//    package, the declaration below and digits.mlpw: nothing of MlpGen ships with it (README.md).
var baked = new BakedDigitNetwork();
Console.WriteLine($"Baked into this build (the network saved before it): {Evaluation.CountCorrect(baked, test)} / {test.Count} test images right.");
Console.WriteLine($"The first test image is a {test.Label(0)}; the baked network reads a {baked.Classify(test.Input(0))}.");
#endif

/// <summary>784-100-10: ReLU hidden neurons and a softmax output. The generator writes the rest of this class.</summary>
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)]
public partial class DigitNetwork { }

#if BAKED
/// <summary>The same network with the weights of digits.mlpw compiled in: <c>new BakedDigitNetwork()</c> is trained.</summary>
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Weights = "digits.mlpw")]
public partial class BakedDigitNetwork { }
#endif

/// <summary>Prints each epoch as it ends. Sgd.Train calls Report on the training thread, so the lines come in order.</summary>
internal sealed class PrintEachEpoch : IProgress<EpochReport>
{
    public void Report(EpochReport epoch) =>
        Console.WriteLine($"Epoch {epoch.Epoch}: {epoch.Correct} / {epoch.Total} test images right ({epoch.Accuracy:P2}), {epoch.Elapsed.TotalMilliseconds:F0} ms");
}
