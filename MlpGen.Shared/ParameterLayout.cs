// Shared source (MlpGen.Shared.projitems): compiled into MlpGen.Runtime and into the netstandard2.0 generator,
// where it lives in MlpGen.Generator.Rules. Only netstandard2.0 APIs.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
namespace MlpGen;
#endif

/// <summary>
/// Where each weight and bias of a network of layer sizes n_0..n_L lives in its one parameter vector, the layout of
/// the generated <c>Parameters</c>, of weights files, of the optimisers' state and of every converter: for each
/// layer l = 1..L, W_l row-major [n_l, n_(l−1)] (row j holds the weights into neuron j), then b_l (n_l).
/// </summary>
public sealed class ParameterLayout
{
    private readonly int[] _sizes;
    private readonly long[] _offsets;   // _offsets[l − 1]: where W_l starts; _offsets[L]: the count

    /// <summary>The layout of a network of these layer sizes, input first (at least two, each at least 1).</summary>
    public ParameterLayout(IReadOnlyList<int> layerSizes)
    {
        if (layerSizes is null) throw new ArgumentNullException(nameof(layerSizes));
        if (layerSizes.Count < 2) throw new ArgumentException($"A network has at least two layers; found {layerSizes.Count}.", nameof(layerSizes));
        _sizes = new int[layerSizes.Count];
        _offsets = new long[layerSizes.Count];
        for (int i = 0; i < _sizes.Length; i++)
        {
            if (layerSizes[i] < 1) throw new ArgumentException($"Layer {i} has size {layerSizes[i]}; every layer has at least one neuron.", nameof(layerSizes));
            _sizes[i] = layerSizes[i];
        }
        for (int l = 1; l < _sizes.Length; l++) _offsets[l] = checked(_offsets[l - 1] + ParametersOf(_sizes[l - 1], _sizes[l]));
    }

    /// <summary>L, the number of weight layers.</summary>
    public int Layers => _sizes.Length - 1;

    /// <summary>n_l, the size of layer <paramref name="layer"/> (0 is the input).</summary>
    public int Size(int layer) => _sizes[layer];

    /// <summary>All weights and biases: Σ_l n_l·(n_(l−1) + 1).</summary>
    public long Count => _offsets[_offsets.Length - 1];

    /// <summary>Where W_l (1 ≤ l ≤ L) starts.</summary>
    public long WeightOffset(int layer) => _offsets[Check(layer) - 1];

    /// <summary>n_l·n_(l−1), the weights of layer l.</summary>
    public long WeightCount(int layer) => (long)_sizes[Check(layer)] * _sizes[layer - 1];

    /// <summary>Where b_l (1 ≤ l ≤ L) starts: right after W_l.</summary>
    public long BiasOffset(int layer) => WeightOffset(layer) + WeightCount(layer);

    /// <summary>The parameters of a network of these layer sizes, without building a layout.</summary>
    /// <exception cref="OverflowException">More than <see cref="long.MaxValue"/> parameters.</exception>
    public static long CountOf(IReadOnlyList<int> layerSizes) =>
        TryCountOf(layerSizes, long.MaxValue, out long count) ? count : throw new OverflowException($"A {Topology(layerSizes)} network has more than {long.MaxValue} parameters.");

    /// <summary>
    /// The parameters of a network of these layer sizes, Σ_l n_l·(n_(l−1) + 1), when there are at most
    /// <paramref name="limit"/> of them; false for more (a topology read from a file may claim any number).
    /// </summary>
    public static bool TryCountOf(IReadOnlyList<int> layerSizes, long limit, out long count)
    {
        if (layerSizes is null) throw new ArgumentNullException(nameof(layerSizes));
        count = 0;
        for (int l = 1; l < layerSizes.Count; l++)
        {
            long layer = ParametersOf(layerSizes[l - 1], layerSizes[l]);   // < 2^62 for sizes below 2^31
            if (layer > limit - count) return false;                         // count + layer > limit, without overflowing
            count += layer;
        }
        return true;
    }

    /// <summary>The weight matrices and bias vectors in layout order: W_1, b_1, W_2, b_2, …</summary>
    public IEnumerable<ParameterSegment> Segments()
    {
        for (int l = 1; l <= Layers; l++)
        {
            yield return new ParameterSegment(l, isWeights: true, WeightOffset(l), WeightCount(l));
            yield return new ParameterSegment(l, isWeights: false, BiasOffset(l), _sizes[l]);
        }
    }

    /// <summary>The topology as people write it: <c>784-16-16-10</c>.</summary>
    public override string ToString() => Topology(_sizes);

    /// <summary>Layer sizes as people write a topology, in weights files, messages and summaries: <c>784-16-16-10</c>.</summary>
    public static string Topology(IEnumerable<int> layerSizes) =>
        string.Join("-", layerSizes.Select(size => size.ToString(CultureInfo.InvariantCulture)));

    /// <summary>n_out·(n_in + 1): the weights and biases of one layer.</summary>
    private static long ParametersOf(int inputs, int outputs) => outputs * (inputs + 1L);

    private int Check(int layer)
    {
        if (layer < 1 || layer > Layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Weight layers are 1..{Layers}.");
        return layer;
    }
}

/// <summary>One weight matrix W_l or bias vector b_l of a <see cref="ParameterLayout"/>.</summary>
public readonly struct ParameterSegment
{
    /// <summary>A segment of layer <paramref name="layer"/>.</summary>
    public ParameterSegment(int layer, bool isWeights, long offset, long length)
    {
        Layer = layer;
        IsWeights = isWeights;
        Offset = offset;
        Length = length;
    }

    /// <summary>l, the weight layer (1..L).</summary>
    public int Layer { get; }

    /// <summary>True for W_l, false for b_l (the regularisation penalties apply to weights only).</summary>
    public bool IsWeights { get; }

    /// <summary>Where the segment starts in the parameter vector.</summary>
    public long Offset { get; }

    /// <summary>Its length.</summary>
    public long Length { get; }
}
