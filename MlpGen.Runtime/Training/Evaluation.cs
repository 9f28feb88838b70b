using System.Numerics;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>Counts how many samples a network classifies correctly.</summary>
public static class Evaluation
{
    /// <summary>The number of samples whose largest output is at the index of their label.</summary>
    public static int CountCorrect<T>(INetwork<T> network, Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (network.Classify(data.Input(i)) == data.Label(i)) correct++;
        }
        return correct;
    }
}
