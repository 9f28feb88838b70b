using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// The generated parallel PredictBatch(inputs, outputs, degreeOfParallelism) gives the serial PredictBatch's bits for
/// every thread count and batch size, and many threads predicting with one network at once get what one thread gets.
/// (That it works in an app referencing only the generator, JIT and NativeAOT, MlpGen.InferenceSample shows: it predicts
/// with it, and Shipping/InferenceSampleTests compares its outputs with the runtime's.)
/// </summary>
public class ParallelInferenceTests
{
    private static float[] Inputs(int count, int width, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * width];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextDouble() < 0.7 ? 0 : (float)random.NextDouble();
        return inputs;
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        Assert.True(MemoryMarshal.Cast<float, uint>(expected).SequenceEqual(MemoryMarshal.Cast<float, uint>(actual)), what);

    /// <summary>
    /// Runs the parallel overload of each kind of network against its serial PredictBatch: counts below, at and past whole
    /// groups and tiles, and batches of many tiles, whose pieces hold several tiles and end in a partial one (2,100 samples:
    /// on 2 threads the first piece claimed is 524 samples, 16 tiles and 12 samples, and the pieces shrink to one group).
    /// </summary>
    private static void EveryThreadCountAndCount(int inputSize, int outputSize, Action<float[], float[]> serial, Action<float[], float[], int> parallel, string name)
    {
        foreach (int count in new[] { 0, 1, 3, 4, 5, 8, 9, 31, 32, 33, 100, 257, 2100 })
        {
            float[] inputs = Inputs(count, inputSize, seed: count);
            var expected = new float[count * outputSize];
            serial(inputs, expected);
            foreach (int threads in new[] { 1, 2, 3, 4, 7, 64 })
            {
                var actual = new float[count * outputSize];
                actual.AsSpan().Fill(float.NaN);
                parallel(inputs, actual, threads);
                AssertSameBits(expected, actual, $"{name}, {count} samples on {threads} threads");
            }
        }
    }

    [Fact]
    public void ParallelPredictBatch_EqualsTheSerialOne_BitForBit_ForAnyThreadCount()
    {
        var digits = new Net784x16x16x10(2);
        EveryThreadCountAndCount(784, 10, (x, y) => digits.PredictBatch(x, y), (x, y, n) => digits.PredictBatch(x, y, n), "784-16-16-10");
        var wide = new Net784x100x10(3);
        EveryThreadCountAndCount(784, 10, (x, y) => wide.PredictBatch(x, y), (x, y, n) => wide.PredictBatch(x, y, n), "784-100-10");
        var leftovers = new Net37x19x5ReLUSoftmax(4);
        EveryThreadCountAndCount(37, 5, (x, y) => leftovers.PredictBatch(x, y), (x, y, n) => leftovers.PredictBatch(x, y, n), "37-19-5 relu softmax");
        var gelu = new Net784x30x10GeluLogSoftmax(6);
        EveryThreadCountAndCount(784, 10, (x, y) => gelu.PredictBatch(x, y), (x, y, n) => gelu.PredictBatch(x, y, n), "784-30-10 gelu log-softmax");
        var silu = new Net3x5x7x2x4SiluIdentity(7);
        EveryThreadCountAndCount(3, 4, (x, y) => silu.PredictBatch(x, y), (x, y, n) => silu.PredictBatch(x, y, n), "3-5-7-2-4 silu identity");
        var straight = new Net2x2x1(5);
        EveryThreadCountAndCount(2, 1, (x, y) => straight.PredictBatch(x, y), (x, y, n) => straight.PredictBatch(x, y, n), "2-2-1");
    }

    [Fact]
    public void ParallelPredictBatch_Double_EqualsTheSerialOne_BitForBit()
    {
        var network = new Net37x19x5D(6);
        double[] inputs = Array.ConvertAll(Inputs(203, 37, seed: 1), v => (double)v);
        var expected = new double[203 * 5];
        network.PredictBatch(inputs, expected);
        foreach (int threads in new[] { 2, 3, 5 })
        {
            var actual = new double[203 * 5];
            network.PredictBatch(inputs, actual, threads);
            Assert.True(MemoryMarshal.Cast<double, ulong>(expected).SequenceEqual(MemoryMarshal.Cast<double, ulong>(actual)), $"{threads} threads");
        }
    }

    [Fact]
    public void ParallelPredictBatch_ChecksItsArguments()
    {
        var network = new Net784x16x16x10(1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => network.PredictBatch(new float[784], new float[10], 0));
        Assert.Equal("degreeOfParallelism", e.ParamName);
        Assert.Contains("at least 1, but is 0", e.Message);
        var shape = Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[784 * 2], new float[19], 2));
        Assert.Equal("outputs", shape.ParamName);
    }

    /// <summary>
    /// Memory over an array that records which threads read its span, and holds the first reader until a second thread
    /// reads it too (up to a timeout): the parallel PredictBatch reads its inputs' span inside each claimed piece, so
    /// on several threads the second reader comes while the first waits, and on one thread it never does.
    /// </summary>
    private sealed class ThreadsThatRead(float[] array) : System.Buffers.MemoryManager<float>
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _threads = new();
        private readonly ManualResetEventSlim _second = new();

        public int Threads => _threads.Count;

        // The base class's Memory reads GetSpan for the length: that would count (and hold) the test's own thread.
        public override Memory<float> Memory => CreateMemory(array.Length);

        public override Span<float> GetSpan()
        {
            _threads.TryAdd(Environment.CurrentManagedThreadId, true);
            if (_threads.Count > 1) _second.Set();
            else if (!_second.Wait(TimeSpan.FromSeconds(10))) _second.Set();   // no second reader: the test fails, once
            return array;
        }

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin() { }

        protected override void Dispose(bool disposing) => _second.Dispose();
    }

    [Fact]
    public void ParallelPredictBatch_RunsOnSeveralThreads()
    {
        var network = new Net784x100x10(3);
        float[] inputs = Inputs(2100, 784, seed: 4);
        var expected = new float[2100 * 10];
        network.PredictBatch(inputs, expected);
        using var watched = new ThreadsThatRead(inputs);
        var actual = new float[2100 * 10];
        network.PredictBatch(watched.Memory, actual, 2);
        Assert.Equal(2, watched.Threads);
        AssertSameBits(expected, actual, "2,100 samples on 2 threads, inputs through a MemoryManager");
    }

    [Fact]
    public async Task ManyThreadsPredictingWithOneNetwork_GetWhatOneThreadGets()
    {
        var network = new Net784x100x10(7);
        const int count = 96;
        float[] inputs = Inputs(count, 784, seed: 8);
        var expected = new float[count * 10];
        for (int s = 0; s < count; s++) network.Predict(inputs.AsSpan(s * 784, 784), expected.AsSpan(s * 10, 10));
        int[] classes = Enumerable.Range(0, count).Select(s => network.Classify(inputs.AsSpan(s * 784, 784))).ToArray();

        const int threads = 8;
        int failures = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(worker => Task.Factory.StartNew(() =>
        {
            var output = new float[10];
            var batch = new float[count * 10];
            start.SignalAndWait();
            for (int round = 0; round < 20; round++)
            {
                // Each thread walks the samples in its own order, through Predict, Classify and both PredictBatch overloads.
                for (int i = 0; i < count; i++)
                {
                    int s = (i * (2 * worker + 1) + round) % count;
                    network.Predict(inputs.AsSpan(s * 784, 784), output);
                    if (!output.AsSpan().SequenceEqual(expected.AsSpan(s * 10, 10)) || network.Classify(inputs.AsSpan(s * 784, 784)) != classes[s]) Interlocked.Increment(ref failures);
                }
                if (worker % 2 == 0) network.PredictBatch(inputs, batch);
                else network.PredictBatch(inputs, batch, 2);
                if (!batch.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref failures);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        Assert.Equal(0, failures);
    }
}
