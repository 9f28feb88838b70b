using System;

namespace MlpGen.Training;

/// <summary>How η changes from epoch to epoch.</summary>
public abstract record LearningRateSchedule
{
    private protected LearningRateSchedule() { }

    /// <summary>η every epoch (the default).</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>η·factor^⌊epoch / everyEpochs⌋.</summary>
    public static LearningRateSchedule StepDecay(int everyEpochs, double factor) => new StepDecaySchedule(everyEpochs, factor);

    /// <summary>
    /// Nielsen's schedule: halve η when the validation accuracy has not improved for <paramref name="patience"/>
    /// epochs (the count starts again after a halving); the <paramref name="maxHalvings"/>-th such plateau ends
    /// training instead (Nielsen: 10 epochs, stop when η would be η₀/128, i.e. 7). Needs validation data.
    /// </summary>
    public static LearningRateSchedule HalveOnPlateau(int patience = 10, int maxHalvings = 7) => new HalveOnPlateauSchedule(patience, maxHalvings);

    internal virtual void Validate() { }

    /// <summary>Constant η.</summary>
    public sealed record ConstantSchedule : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override string ToString() => "constant";
    }

    /// <summary>Step decay; <see cref="StepDecay"/>.</summary>
    public sealed record StepDecaySchedule(int EveryEpochs, double Factor) : LearningRateSchedule
    {
        internal override void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EveryEpochs, nameof(EveryEpochs));
            if (!(Factor > 0 && Factor <= 1)) throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "The decay factor must be in (0, 1]: a schedule that grows η would end in an infinite learning rate.");
        }

        /// <summary>η of <paramref name="epoch"/> (from 0) for a starting η of <paramref name="eta"/>.</summary>
        public double EtaAt(double eta, int epoch) => eta * Math.Pow(Factor, epoch / EveryEpochs);
    }

    /// <summary>Halving on a plateau of the validation accuracy; <see cref="HalveOnPlateau"/>.</summary>
    public sealed record HalveOnPlateauSchedule(int Patience, int MaxHalvings) : LearningRateSchedule
    {
        internal override void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Patience, nameof(Patience));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHalvings, nameof(MaxHalvings));
        }
    }
}
