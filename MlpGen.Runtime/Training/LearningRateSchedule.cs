using System;

namespace MlpGen.Training;

/// <summary>
/// How η changes from epoch to epoch: <see cref="Constant"/>, <see cref="StepDecay"/> or <see cref="HalveOnPlateau"/>.
/// Each schedule decides η itself: <see cref="Sgd"/> asks it for the η of every epoch and tells it, after every epoch,
/// whether the validation accuracy improved (<see cref="State"/>).
/// </summary>
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

    /// <summary>Whether the schedule follows the validation accuracy, and so needs validation data.</summary>
    public virtual bool WatchesValidation => false;

    internal abstract void Validate();

    /// <summary>The schedule's state for one training run that starts at η = <paramref name="eta"/>.</summary>
    internal abstract State Start(double eta);

    /// <summary>A schedule during one training run.</summary>
    internal abstract class State
    {
        /// <summary>η of epoch <paramref name="epoch"/> (from 0), asked once per epoch, in order.</summary>
        public abstract double EtaOf(int epoch);

        /// <summary>Hears, after an epoch, whether the validation accuracy beat the best so far; false ends training.</summary>
        public virtual bool Continue(bool improved) => true;
    }

    /// <summary>Constant η; <see cref="Constant"/>.</summary>
    public sealed record ConstantSchedule : LearningRateSchedule
    {
        internal override void Validate() { }

        internal override State Start(double eta) => new Fixed(eta);

        /// <inheritdoc/>
        public override string ToString() => "constant η";

        private sealed class Fixed(double eta) : State
        {
            public override double EtaOf(int epoch) => eta;
        }
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

        internal override State Start(double eta) => new Decaying(this, eta);

        /// <inheritdoc/>
        public override string ToString() => $"η·{Factor} every {Epochs(EveryEpochs)}";

        private sealed class Decaying(StepDecaySchedule schedule, double eta) : State
        {
            public override double EtaOf(int epoch) => schedule.EtaAt(eta, epoch);
        }
    }

    /// <summary>Halving on a plateau of the validation accuracy; <see cref="HalveOnPlateau"/>.</summary>
    public sealed record HalveOnPlateauSchedule(int Patience, int MaxHalvings) : LearningRateSchedule
    {
        /// <inheritdoc/>
        public override bool WatchesValidation => true;

        internal override void Validate()
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Patience, nameof(Patience));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHalvings, nameof(MaxHalvings));
        }

        internal override State Start(double eta) => new Halving(this, eta);

        /// <inheritdoc/>
        public override string ToString() => $"η halved after {Epochs(Patience)} without validation improvement, stop at plateau {MaxHalvings}";

        /// <summary>η, the epochs since the last improvement or halving, and the halvings so far.</summary>
        private sealed class Halving(HalveOnPlateauSchedule schedule, double eta) : State
        {
            private double _eta = eta;
            private int _sinceChange, _halvings;

            public override double EtaOf(int epoch) => _eta;

            public override bool Continue(bool improved)
            {
                if (improved)
                {
                    _sinceChange = 0;
                    return true;
                }
                if (++_sinceChange < schedule.Patience) return true;
                _sinceChange = 0;
                if (++_halvings >= schedule.MaxHalvings) return false;   // the last plateau ends training instead
                _eta /= 2;
                return true;
            }
        }
    }

    /// <summary>"1 epoch", "10 epochs".</summary>
    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n} epochs";
}
