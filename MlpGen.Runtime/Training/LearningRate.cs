using System;
using System.Globalization;
using System.Numerics;

namespace MlpGen.Training;

/// <summary>
/// The one check of a learning rate η, used by <see cref="Sgd"/>, <see cref="GradientDescent"/> and the
/// sample's <c>--eta</c> option: η must be positive and finite, both as the <see cref="double"/> given
/// and in the network's element type (1e39 is a finite double but ∞ as a <see cref="float"/>, 1e-50 is 0).
/// </summary>
public static class LearningRate
{
    /// <summary>True when <paramref name="eta"/> is positive and finite as a double and as a <typeparamref name="T"/>.</summary>
    public static bool IsValid<T>(double eta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T converted = T.CreateChecked(eta);
        return eta > 0 && double.IsFinite(eta) && converted > T.Zero && T.IsFinite(converted);
    }

    /// <summary>The message for a learning rate that is not valid; <paramref name="found"/> is what was given (a number, or text that is not one).</summary>
    public static string Problem(string found) => $"The learning rate η must be a positive finite number, found {found}.";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with <see cref="Problem"/> unless <see cref="IsValid{T}"/>.</summary>
    internal static void Check<T>(double eta, string parameterName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (IsValid<T>(eta)) return;
        string found = eta.ToString(CultureInfo.InvariantCulture);
        if (double.IsFinite(eta) && eta > 0) found += $" (which is {T.CreateChecked(eta).ToString(null, CultureInfo.InvariantCulture)} as {typeof(T).Name})";
        throw new ArgumentOutOfRangeException(parameterName, eta, Problem(found));
    }
}
