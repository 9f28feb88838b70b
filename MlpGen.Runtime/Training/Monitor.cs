using System;
using System.Numerics;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>
/// What <see cref="Sgd"/> measures after each epoch, as <see cref="SgdOptions"/> asks: each data set that is watched
/// goes forward once (<see cref="Evaluation.Evaluate"/>), whatever is read from it (accuracy, cost or both). The test
/// set whenever it is given (its accuracy is always reported); the training set when its cost or accuracy is
/// monitored; the validation set when its cost or accuracy is. A cost is network2.py's total_cost: the mean cost per
/// sample plus the regularisation term over the weights, with n the training set's size.
/// </summary>
internal sealed class Monitor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly INetwork<T> _network;
    private readonly ParameterLayout _layout;
    private readonly SgdOptions _options;
    private readonly Dataset<T> _training;
    private readonly Dataset<T>? _validation, _test;

    public Monitor(INetwork<T> network, ParameterLayout layout, SgdOptions options, Dataset<T> training, Dataset<T>? validation, Dataset<T>? test)
    {
        (_network, _layout, _options) = (network, layout, options);
        (_training, _validation, _test) = (training, validation, test);
    }

    /// <summary>Whether the validation accuracy is measured (and so early stopping, the plateau schedule and the restore of the best epoch can follow it).</summary>
    public bool WatchesValidation => _validation is not null && _options.MonitorValidationAccuracy;

    /// <summary>The report of epoch <paramref name="epoch"/>, trained in <paramref name="elapsed"/> at learning rate <paramref name="eta"/>.</summary>
    public EpochReport Measure(int epoch, TimeSpan elapsed, double eta)
    {
        SgdOptions o = _options;
        EvaluationResult? training = o.MonitorTrainingCost || o.MonitorTrainingAccuracy ? Evaluation.Evaluate(_network, _training) : null;
        EvaluationResult? validation = o.MonitorValidationCost || WatchesValidation ? Evaluation.Evaluate(_network, _validation!) : null;
        EvaluationResult? test = _test is null ? null : Evaluation.Evaluate(_network, _test);
        bool anyCost = o.MonitorTrainingCost || o.MonitorValidationCost || (o.MonitorTestCost && test is not null);
        double penalty = anyCost ? o.Regularization.Cost<T>(_network.Parameters, _layout, _training.Count) : 0;
        return EpochReport.Of(epoch, elapsed, eta, test) with
        {
            TestCost = o.MonitorTestCost ? test?.Cost + penalty : null,
            TrainingCost = o.MonitorTrainingCost ? training!.Value.Cost + penalty : null,
            TrainingCorrect = o.MonitorTrainingAccuracy ? training!.Value.Correct : null,
            TrainingTotal = o.MonitorTrainingAccuracy ? training!.Value.Count : null,
            ValidationCost = o.MonitorValidationCost ? validation!.Value.Cost + penalty : null,
            ValidationCorrect = WatchesValidation ? validation!.Value.Correct : null,
            ValidationTotal = WatchesValidation ? validation!.Value.Count : null,
        };
    }
}
