using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlpGen.Training;

/// <summary>
/// The descent step of <see cref="Sgd"/> for any <see cref="Optimizer"/> and <see cref="Regularization"/>:
/// one pass over the parameters, vectorised (Vector256, scalar tail; scalar when not accelerated). Each
/// data-parallel worker owns a <see cref="State"/> (velocity, moments, step count) for its slice of the parameters
/// and applies the update to that slice only (<see cref="ApplyToSlice"/>), so no optimiser state moves between cores.
/// <para>
/// With Σg the gradients of the workers summed in worker order (g_0 + g_1 + …), m the mini-batch, n the
/// training set, the mean gradient is ĝ = fma(Σg, 1/m, r), r = (λ/n)·w for L2, (λ/n)·sign(w) for L1,
/// 0 for biases and without regularisation. Each optimiser, in exactly these roundings:
/// </para>
/// <list type="bullet">
/// <item>SGD without regularisation: p ← fma(Σg, −η/m, p), <see cref="ParameterUpdate.Descend"/>, the generated
/// <c>TrainMiniBatch</c>'s step bit for bit. With L2: w ← fma(Σg, −η/m, (1 − ηλ/n)·w) (network2.py's
/// (1 − ηλ/n)·w − (η/m)·∇w); with L1: w ← fma(Σg, −η/m, fma(sign w, −ηλ/n, w)).</item>
/// <item>Momentum: v ← fma(ĝ, −η, μ·v); p ← p + v.</item>
/// <item>Nesterov: v ← fma(ĝ, −η, μ·v); p ← p + fma(μ, v, −η·ĝ).</item>
/// <item>Adam: t ← t + 1; m ← fma(β1, m, (1 − β1)·ĝ); v ← fma(β2, v, ((1 − β2)·ĝ)·ĝ);
/// p ← fma(m / fma(√v, 1/√(1 − β2^t), ε), −η/(1 − β1^t), p), the bias corrections in double.</item>
/// </list>
/// </summary>
internal sealed class OptimizerStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private enum Rule { Sgd, Momentum, Nesterov, Adam }

    /// <summary>The regularisation term of the gradient: none, (λ/n)·w or (λ/n)·sign(w).</summary>
    private enum RegularizationKind { None, L2, L1 }

    private readonly Rule _rule;
    private readonly double _mu, _beta1, _beta2, _epsilon;
    private readonly RegularizationKind _penalty;
    private readonly double _lambda;
    private readonly int _trainingCount;
    private readonly ParameterSegment[] _segments;
    private readonly int _parameterCount;

    /// <summary>The optimiser state of one worker.</summary>
    internal sealed class State(int parameters, bool first, bool second)
    {
        public readonly T[] First = first ? new T[parameters] : Array.Empty<T>();    // velocity, or Adam's m
        public readonly T[] Second = second ? new T[parameters] : Array.Empty<T>();  // Adam's v
        public long Steps;
    }

    /// <summary>The step of <paramref name="optimizer"/> with <paramref name="regularization"/> for a network of these layer sizes, trained on <paramref name="trainingCount"/> samples.</summary>
    public OptimizerStep(ReadOnlySpan<int> layerSizes, Optimizer optimizer, Regularization regularization, int trainingCount)
    {
        (_rule, _mu, _beta1, _beta2, _epsilon) = optimizer switch
        {
            Optimizer.SgdOptimizer => (Rule.Sgd, 0.0, 0.0, 0.0, 0.0),
            Optimizer.MomentumOptimizer o => (Rule.Momentum, o.Mu, 0.0, 0.0, 0.0),
            Optimizer.NesterovOptimizer o => (Rule.Nesterov, o.Mu, 0.0, 0.0, 0.0),
            Optimizer.AdamOptimizer o => (Rule.Adam, 0.0, o.Beta1, o.Beta2, o.Epsilon),
            _ => throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimiser."),
        };
        (_penalty, _lambda) = regularization switch
        {
            Regularization.NoRegularization => (RegularizationKind.None, 0.0),
            Regularization.L2Regularization r => (RegularizationKind.L2, r.Lambda),
            Regularization.L1Regularization r => (RegularizationKind.L1, r.Lambda),
            _ => throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "Unknown regularisation."),
        };
        _trainingCount = trainingCount;
        var layout = new ParameterLayout(layerSizes.ToArray());
        _segments = layout.Segments().ToArray();
        _parameterCount = checked((int)layout.Count);
    }

    /// <summary>True when the step is the plain fused SGD step of the generated <c>TrainMiniBatch</c>.</summary>
    public bool IsPlainSgd => _rule == Rule.Sgd && _penalty == RegularizationKind.None;

    /// <summary>A fresh state for one worker (zero velocity and moments, no steps).</summary>
    public State CreateState() => new(_parameterCount, _rule != Rule.Sgd, _rule == Rule.Adam);

    /// <summary>One step on <paramref name="p"/> from the gradients summed over a mini-batch of <paramref name="m"/> samples, at learning rate <paramref name="eta"/>; leaves the gradients zero.</summary>
    public void Apply(Span<T> p, ReadOnlySpan<T[]> gradients, State state, double eta, int m) => ApplyToSlice(p, gradients, state, eta, m, 0, p.Length);

    /// <summary>
    /// The same step on the parameters from <paramref name="from"/> up to <paramref name="to"/> only (the others, and their
    /// optimiser state, are left as they are): each parameter's update depends only on its own values, so a step cut into
    /// ranges gives every parameter the bits of the whole step. Adam's step count advances once per call. The step
    /// consumes the gradients: it leaves every gradient value it read (from <paramref name="from"/> up to
    /// <paramref name="to"/>) zero, ready for the next mini-batch's sums, while the values are still in the cache
    /// (<see cref="ParameterUpdate.TakeSum"/>).
    /// </summary>
    public void ApplyToSlice(Span<T> p, ReadOnlySpan<T[]> gradients, State state, double eta, int m, int from, int to)
    {
        if (p.Length != _parameterCount) throw new ArgumentException($"{p.Length} parameters for a network of {_parameterCount}.", nameof(p));
        foreach (T[] g in gradients)
        {
            if (g.Length < p.Length) throw new ArgumentException($"A gradient holds {g.Length} values for {p.Length} parameters.", nameof(gradients));
        }
        T etaT = T.CreateChecked(eta);
        if (IsPlainSgd)
        {
            ParameterUpdate.DescendSlice(p, gradients, etaT / T.CreateChecked(m), from, to);
            return;
        }
        var c = new Coefficients
        {
            Rate = etaT / T.CreateChecked(m),
            InverseM = T.One / T.CreateChecked(m),
            Eta = etaT,
            Mu = T.CreateChecked(_mu),
            Lambda = T.CreateChecked(_lambda / _trainingCount),
            Decay = T.CreateChecked(1 - eta * (_lambda / _trainingCount)),
            Shrink = T.CreateChecked(eta * (_lambda / _trainingCount)),
        };
        if (_rule == Rule.Adam)
        {
            state.Steps++;
            double bc1 = 1 - Math.Pow(_beta1, state.Steps), bc2 = 1 - Math.Pow(_beta2, state.Steps);
            c.Beta1 = T.CreateChecked(_beta1);
            c.OneMinusBeta1 = T.CreateChecked(1 - _beta1);
            c.Beta2 = T.CreateChecked(_beta2);
            c.OneMinusBeta2 = T.CreateChecked(1 - _beta2);
            c.Epsilon = T.CreateChecked(_epsilon);
            c.StepSize = T.CreateChecked(eta / bc1);
            c.InverseSqrtBc2 = T.CreateChecked(1 / Math.Sqrt(bc2));
        }
        else if (_rule != Rule.Sgd)
        {
            state.Steps++;
        }
        foreach (ParameterSegment segment in _segments)
        {
            int start = Math.Max(from, (int)segment.Offset), length = Math.Min(to, (int)(segment.Offset + segment.Length)) - start;
            if (length <= 0) continue;
            RegularizationKind kind = segment.IsWeights ? _penalty : RegularizationKind.None;   // the biases are never penalised
            switch (kind)
            {
                case RegularizationKind.L2: Segment<L2Penalty>(p, gradients, state, start, length, c); break;
                case RegularizationKind.L1: Segment<L1Penalty>(p, gradients, state, start, length, c); break;
                default: Segment<NoPenalty>(p, gradients, state, start, length, c); break;
            }
        }
    }

    // The penalty as a type, so that the JIT compiles one loop per kind with no test inside it.
    private interface IPenalty { static abstract RegularizationKind Kind { get; } }
    private struct NoPenalty : IPenalty { public static RegularizationKind Kind => RegularizationKind.None; }
    private struct L2Penalty : IPenalty { public static RegularizationKind Kind => RegularizationKind.L2; }
    private struct L1Penalty : IPenalty { public static RegularizationKind Kind => RegularizationKind.L1; }
    private interface IFlag { static abstract bool Value { get; } }
    private struct Yes : IFlag { public static bool Value => true; }
    private struct No : IFlag { public static bool Value => false; }

    private void Segment<TPenalty>(Span<T> p, ReadOnlySpan<T[]> gradients, State state, int start, int length, in Coefficients c) where TPenalty : struct, IPenalty
    {
        switch (_rule)
        {
            case Rule.Sgd: SgdSegment<TPenalty>(p, gradients, start, length, c); break;
            case Rule.Momentum: MomentumSegment<TPenalty, No>(p, gradients, state.First, start, length, c); break;
            case Rule.Nesterov: MomentumSegment<TPenalty, Yes>(p, gradients, state.First, start, length, c); break;
            default: AdamSegment<TPenalty>(p, gradients, state.First, state.Second, start, length, c); break;
        }
    }

    private struct Coefficients
    {
        public T Rate, InverseM, Eta, Mu, Lambda, Decay, Shrink;
        public T Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Epsilon, StepSize, InverseSqrtBc2;
    }

    // ---- SGD with regularisation (network2.py's form) ----

    private static void SgdSegment<TPenalty>(Span<T> p, ReadOnlySpan<T[]> gradients, int start, int length, in Coefficients c) where TPenalty : struct, IPenalty
    {
        RegularizationKind kind = TPenalty.Kind;
        ref T rp = ref MemoryMarshal.GetReference(p);
        int i = start, end = start + length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> step = Vector256.Create(-c.Rate), decay = Vector256.Create(c.Decay), shrink = Vector256.Create(-c.Shrink);
            for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> w = Vector256.LoadUnsafe(ref rp, (nuint)i);
                Vector256<T> kept = kind switch
                {
                    RegularizationKind.L2 => decay * w,
                    RegularizationKind.L1 => Fma(Sign(w), shrink, w),
                    _ => w,
                };
                Fma(ParameterUpdate.TakeSum(gradients, i), step, kept).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < end; i++)
        {
            T w = Unsafe.Add(ref rp, i);
            T kept = kind switch
            {
                RegularizationKind.L2 => c.Decay * w,
                RegularizationKind.L1 => T.FusedMultiplyAdd(Sign(w), -c.Shrink, w),
                _ => w,
            };
            Unsafe.Add(ref rp, i) = T.FusedMultiplyAdd(ParameterUpdate.TakeSumAt(gradients, i), -c.Rate, kept);
        }
    }

    // ---- Momentum and Nesterov ----

    private static void MomentumSegment<TPenalty, TNesterov>(Span<T> p, ReadOnlySpan<T[]> gradients, T[] velocity, int start, int length, in Coefficients c)
        where TPenalty : struct, IPenalty where TNesterov : struct, IFlag
    {
        RegularizationKind kind = TPenalty.Kind;
        bool nesterov = TNesterov.Value;
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rv = ref MemoryMarshal.GetArrayDataReference(velocity);
        int i = start, end = start + length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> inverseM = Vector256.Create(c.InverseM), lambda = Vector256.Create(c.Lambda), minusEta = Vector256.Create(-c.Eta), mu = Vector256.Create(c.Mu);
            for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> w = Vector256.LoadUnsafe(ref rp, (nuint)i);
                Vector256<T> g = Fma(ParameterUpdate.TakeSum(gradients, i), inverseM, Penalty(kind, w, lambda));
                Vector256<T> v = Fma(g, minusEta, mu * Vector256.LoadUnsafe(ref rv, (nuint)i));
                v.StoreUnsafe(ref rv, (nuint)i);
                (w + (nesterov ? Fma(mu, v, minusEta * g) : v)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < end; i++)
        {
            T w = Unsafe.Add(ref rp, i);
            T g = T.FusedMultiplyAdd(ParameterUpdate.TakeSumAt(gradients, i), c.InverseM, Penalty(kind, w, c.Lambda));
            T v = T.FusedMultiplyAdd(g, -c.Eta, c.Mu * Unsafe.Add(ref rv, i));
            Unsafe.Add(ref rv, i) = v;
            Unsafe.Add(ref rp, i) = w + (nesterov ? T.FusedMultiplyAdd(c.Mu, v, -c.Eta * g) : v);
        }
    }

    // ---- Adam ----

    private static void AdamSegment<TPenalty>(Span<T> p, ReadOnlySpan<T[]> gradients, T[] first, T[] second, int start, int length, in Coefficients c) where TPenalty : struct, IPenalty
    {
        RegularizationKind kind = TPenalty.Kind;
        ref T rp = ref MemoryMarshal.GetReference(p);
        ref T rm = ref MemoryMarshal.GetArrayDataReference(first);
        ref T rv = ref MemoryMarshal.GetArrayDataReference(second);
        int i = start, end = start + length;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> inverseM = Vector256.Create(c.InverseM), lambda = Vector256.Create(c.Lambda);
            Vector256<T> beta1 = Vector256.Create(c.Beta1), oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
            Vector256<T> beta2 = Vector256.Create(c.Beta2), oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
            Vector256<T> epsilon = Vector256.Create(c.Epsilon), minusStep = Vector256.Create(-c.StepSize), inverseSqrtBc2 = Vector256.Create(c.InverseSqrtBc2);
            for (; i <= end - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> w = Vector256.LoadUnsafe(ref rp, (nuint)i);
                Vector256<T> g = Fma(ParameterUpdate.TakeSum(gradients, i), inverseM, Penalty(kind, w, lambda));
                Vector256<T> m = Fma(beta1, Vector256.LoadUnsafe(ref rm, (nuint)i), oneMinusBeta1 * g);
                Vector256<T> v = Fma(beta2, Vector256.LoadUnsafe(ref rv, (nuint)i), oneMinusBeta2 * g * g);
                m.StoreUnsafe(ref rm, (nuint)i);
                v.StoreUnsafe(ref rv, (nuint)i);
                Vector256<T> denominator = Fma(Vector256.Sqrt(v), inverseSqrtBc2, epsilon);
                Fma(m / denominator, minusStep, w).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < end; i++)
        {
            T w = Unsafe.Add(ref rp, i);
            T g = T.FusedMultiplyAdd(ParameterUpdate.TakeSumAt(gradients, i), c.InverseM, Penalty(kind, w, c.Lambda));
            T m = T.FusedMultiplyAdd(c.Beta1, Unsafe.Add(ref rm, i), c.OneMinusBeta1 * g);
            T v = T.FusedMultiplyAdd(c.Beta2, Unsafe.Add(ref rv, i), c.OneMinusBeta2 * g * g);
            Unsafe.Add(ref rm, i) = m;
            Unsafe.Add(ref rv, i) = v;
            T denominator = T.FusedMultiplyAdd(T.Sqrt(v), c.InverseSqrtBc2, c.Epsilon);
            Unsafe.Add(ref rp, i) = T.FusedMultiplyAdd(m / denominator, -c.StepSize, w);
        }
    }

    // ---- element helpers ----

    /// <summary>The regularisation term of ĝ: (λ/n)·w, (λ/n)·sign(w) or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Penalty(RegularizationKind kind, Vector256<T> w, Vector256<T> lambda) => kind switch
    {
        RegularizationKind.L2 => lambda * w,
        RegularizationKind.L1 => lambda * Sign(w),
        _ => Vector256<T>.Zero,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Penalty(RegularizationKind kind, T w, T lambda) => kind switch
    {
        RegularizationKind.L2 => lambda * w,
        RegularizationKind.L1 => lambda * Sign(w),
        _ => T.Zero,
    };

    /// <summary>1, −1 or 0 (also for −0 and NaN), as numpy's sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Sign(Vector256<T> w) =>
        (Vector256.GreaterThan(w, Vector256<T>.Zero) & Vector256<T>.One) - (Vector256.LessThan(w, Vector256<T>.Zero) & Vector256<T>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Sign(T w) => w > T.Zero ? T.One : w < T.Zero ? -T.One : T.Zero;

    /// <summary>a·b + c rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) => Fused.MultiplyAdd(a, b, c);
}
