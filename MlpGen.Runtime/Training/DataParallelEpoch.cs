using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>
/// Runs epochs of mini-batch SGD on P workers: the calling thread and P − 1 threads of its own, all on the caller's
/// network. For every mini-batch of m samples:
/// <list type="number">
/// <item>worker w gathers its contiguous share of the samples and sums their gradient into its own
/// buffer g_w (the generated <c>Backpropagate</c>, which only reads the network, so the workers share it);</item>
/// <item>after a barrier, worker w applies the update to its own slice w of the P slices of the parameters: for plain
/// SGD p ← fma(g_0 + g_1 + … + g_(P−1), −η/m, p), the gradients summed in worker order
/// (<see cref="ParameterUpdate.Descend"/>); for the other optimisers and regularisation the step of
/// <see cref="OptimizerStep{T}"/>, each worker keeping the optimiser state of its slice;</item>
/// <item>after a second barrier (every slice updated), the next mini-batch.</item>
/// </list>
/// Each parameter's update reads only its own values, so a slice updated by one worker has the bits the whole update
/// would give it; the split depends only on P: the same seed and P give the same bits, whatever P (a step cut into
/// slices equals the uncut step). Each worker thus computes 1/P of the update instead of all of it, and no parameter
/// is copied between workers: the slices are cut at whole cache lines of the parameters, so two workers never write
/// one line of them. With P = 1 a step is exactly the generated <c>TrainMiniBatch</c> (the gradient summed from zero,
/// then p = fma(g, −η/m, p)). The step leaves every gradient value it read zero (it consumes them while they are in
/// the cache), so no pass clears the buffers: after the second barrier every buffer is zero again, ready for the next
/// mini-batch.
/// </summary>
internal sealed class DataParallelEpoch<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly INetwork<T> _network;
    private readonly Dataset<T> _data;
    private readonly int _miniBatch, _workers;
    private readonly T[][] _gradients;   // [worker][parameter]
    private readonly T[][] _inputs, _targets;
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _epochStart;
    private readonly SpinBarrier _barrier;
    private readonly OptimizerStep<T> _step;
    private readonly OptimizerStep<T>.State[] _states;   // one per worker: the optimiser state of its slice

    // The epoch the workers run next, written by the caller before it releases them.
    private int[] _order = Array.Empty<int>();
    private double _eta;
    private CancellationToken _cancellation;
    private IProgress<int>? _samplesDone;
    private volatile bool _stopRequested, _disposing;
    private Exception? _failure;
    private ExceptionDispatchInfo? _callbackFailure;

    public DataParallelEpoch(INetwork<T> network, Dataset<T> data, int miniBatchSize, int workers, OptimizerStep<T> step)
    {
        _step = step;
        _states = new OptimizerStep<T>.State[workers];
        for (int w = 0; w < workers; w++) _states[w] = step.CreateState();
        _data = data;
        _miniBatch = miniBatchSize;
        _workers = workers;
        _network = network;
        _gradients = new T[workers][];
        for (int w = 0; w < workers; w++) _gradients[w] = new T[network.ParameterCount];
        int share = (miniBatchSize + workers - 1) / workers;
        _inputs = new T[workers][];
        _targets = new T[workers][];
        for (int w = 0; w < workers; w++)
        {
            _inputs[w] = new T[share * data.InputSize];
            _targets[w] = new T[share * data.OutputSize];
        }
        _barrier = new SpinBarrier(workers);
        _epochStart = new SemaphoreSlim[workers];
        _threads = new Thread[workers - 1];
        for (int w = 1; w < workers; w++)
        {
            int worker = w;
            _epochStart[w] = new SemaphoreSlim(0);
            _threads[w - 1] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"MlpGen SGD worker {worker}" };
            _threads[w - 1].Start();
        }
    }

    /// <summary>
    /// One pass over the samples in <paramref name="order"/>, in mini-batches (the last may be smaller). After each
    /// mini-batch's step the calling thread reports the samples trained so far to <paramref name="samplesDone"/>.
    /// </summary>
    public void Run(int[] order, double eta, IProgress<int>? samplesDone, CancellationToken cancellationToken)
    {
        _order = order;
        _eta = eta;
        _cancellation = cancellationToken;
        _samplesDone = samplesDone;
        _stopRequested = false;
        for (int w = 1; w < _workers; w++) _epochStart[w].Release();
        Steps(0);
        _barrier.SignalAndWait();   // every worker has finished the epoch
        if (Interlocked.Exchange(ref _failure, null) is { } failure) throw new InvalidOperationException("A training worker failed.", failure);
        Interlocked.Exchange(ref _callbackFailure, null)?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void WorkerLoop(int worker)
    {
        while (true)
        {
            _epochStart[worker].Wait();
            if (_disposing) return;
            Steps(worker);
            _barrier.SignalAndWait();
        }
    }

    private void Steps(int worker)
    {
        int n = _order.Length, inputSize = _data.InputSize, outputSize = _data.OutputSize;
        T[][] gradients = _gradients;
        T[] own = gradients[worker];
        for (int first = 0; first < n; first += _miniBatch)
        {
            int count = Math.Min(_miniBatch, n - first);
            try
            {
                // 1. This worker's share of the mini-batch, summed into its own gradient buffer (zero: the last step
                //    consumed it, or it is new).
                int from = count * worker / _workers, to = count * (worker + 1) / _workers;
                for (int s = from; s < to; s++)
                {
                    int sample = _order[first + s];
                    _data.Input(sample).CopyTo(_inputs[worker].AsSpan((s - from) * inputSize, inputSize));
                    _data.Target(sample).CopyTo(_targets[worker].AsSpan((s - from) * outputSize, outputSize));
                }
                Prefetch(first + _miniBatch, worker);
                if (to > from)
                {
                    _network.Backpropagate(_inputs[worker].AsSpan(0, (to - from) * inputSize), _targets[worker].AsSpan(0, (to - from) * outputSize), own);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            if (worker == 0 && (_cancellation.IsCancellationRequested || _failure is not null)) _stopRequested = true;
            _barrier.SignalAndWait();   // every share of this mini-batch's gradient is complete

            // 2. This worker's slice of the update; the next mini-batch reads the parameters once every slice is updated.
            try
            {
                Span<T> parameters = _network.Parameters;
                _step.ApplyToSlice(parameters, gradients, _states[worker], _eta, count, SliceStart(worker, parameters.Length), SliceStart(worker + 1, parameters.Length));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            if (worker == 0)
            {
                // The caller's progress callback, before the barrier: if it throws, every worker stops after this step
                // (a worker that left the loop alone would leave the others waiting at the barrier for ever), and Run
                // throws the callback's exception.
                try
                {
                    _samplesDone?.Report(first + count);
                }
                catch (Exception e)
                {
                    _callbackFailure = ExceptionDispatchInfo.Capture(e);
                    _stopRequested = true;
                }
            }
            _barrier.SignalAndWait();   // every slice of the parameters is updated
            if (_stopRequested) return;   // decided before the barrier: every worker stops after the same step
        }
    }

    /// <summary>Where slice <paramref name="slice"/> of the P slices of the parameters starts: equal slices, cut at whole cache lines (16 floats).</summary>
    private int SliceStart(int slice, int count) => slice >= _workers ? count : Math.Min(count, (int)((long)count * slice / _workers) & ~15);

    /// <summary>
    /// Asks the cache for this worker's share of the next mini-batch's inputs while it computes the current
    /// one: the samples are shuffled, so the hardware prefetcher cannot guess them, and each would
    /// otherwise stall on memory when it is gathered.
    /// </summary>
    private unsafe void Prefetch(int nextFirst, int worker)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || nextFirst >= _order.Length) return;
        int count = Math.Min(_miniBatch, _order.Length - nextFirst);
        int from = count * worker / _workers, to = count * (worker + 1) / _workers;
        int bytes = _data.InputSize * Unsafe.SizeOf<T>();
        for (int s = from; s < to; s++)
        {
            fixed (T* input = _data.Input(_order[nextFirst + s]))
            {
                for (int offset = 0; offset < bytes; offset += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch0((byte*)input + offset);
            }
        }
    }

    public void Dispose()
    {
        _disposing = true;
        for (int w = 1; w < _workers; w++) _epochStart[w].Release();
        foreach (Thread thread in _threads) thread.Join();
        for (int w = 1; w < _workers; w++) _epochStart[w].Dispose();
    }

    /// <summary>
    /// A barrier for a fixed number of threads. A mini-batch step takes microseconds, so it spins rather
    /// than block in the kernel; after a while it yields, so that more threads than cores still progress.
    /// </summary>
    private sealed class SpinBarrier(int participants)
    {
        private const int SpinsBeforeYielding = 4_000;
        private readonly int _participants = participants;
        private int _remaining = participants;
        private volatile int _phase;

        public void SignalAndWait()
        {
            if (_participants == 1) return;
            int phase = _phase;
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _remaining = _participants;
                _phase = phase + 1;   // volatile write: publishes everything written before it
                return;
            }
            for (int spin = 0; _phase == phase; spin++)
            {
                if (spin < SpinsBeforeYielding) Thread.SpinWait(1);
                else Thread.Yield();
            }
        }
    }
}
