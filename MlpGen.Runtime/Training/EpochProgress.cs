namespace MlpGen.Training;

/// <summary>How far an epoch of <see cref="Sgd.Train"/> has come: sent after every mini-batch step.</summary>
/// <param name="Epoch">The epoch's number, from 0.</param>
/// <param name="Samples">Training samples of this epoch trained so far.</param>
/// <param name="Total">Training samples of the epoch.</param>
public readonly record struct EpochProgress(int Epoch, int Samples, int Total);
