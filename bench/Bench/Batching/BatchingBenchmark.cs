using PullWorker.Bench.Infrastructure;
using PullWorker.Bench.Pathology;
using PullWorker.Inference;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Bench.Batching;

/// <summary>
/// Part 3, on the two-model pipeline of part 2: for each <c>MaxBatchSize</c> the closed-loop capacity (callers =
/// twice the batch), then for each <c>MaxDelay</c> an open-loop run at one offered rate for all (70 % of the
/// capacity at the default batch size), so latencies compare at equal work.
/// </summary>
internal static class BatchingBenchmark
{
    private const double OfferedFraction = 0.7;
    private const double ThroughputTolerance = 0.95;
    private static readonly int[] BatchSizes = [1, 2, 4, 8, 16, 32, 64];
    private static readonly double[] DelaysMilliseconds = [0, 2, 5, 10];

    public static async Task<BatchingResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        using var models = new ModelDirectory();
        var pipeline = new PipelineOptions
        {
            Device = DeviceKind.Cpu,
            Stages =
            [
                new StageOptions { Model = models.Write("model_a", TwoModelPipeline.ModelA()) },
                new StageOptions { Model = models.Write("model_b_reshaped", TwoModelPipeline.ModelBWithReshape()) },
            ],
        };
        var items = Enumerable.Range(0, 64)
            .Select(i => InferenceItem.Single(TwoModelPipeline.Input, TensorData.Float32(TwoModelPipeline.ItemValues(i), TwoModelPipeline.ItemShape)))
            .ToArray();

        var capacities = new List<BatchSizeCapacity>();
        foreach (var size in BatchSizes)
        {
            using var batches = new BatchSizeRecorder();
            await using var engine = await InferenceEngine.StartAsync(pipeline, Options(size, 0), cancellationToken: cancellationToken);
            batches.Clear();
            var rate = await ClosedLoopLoad.JobsPerSecondAsync(
                2 * size, settings.WarmUp / 2, settings.SweepWindow, i => InferAsync(engine, items[i % items.Length], cancellationToken), cancellationToken);
            capacities.Add(new BatchSizeCapacity(size, rate, batches.MeanSize));
            Console.WriteLine($"  MaxBatchSize {size,2}: {rate,6:F0} jobs/s closed loop (mean batch {batches.MeanSize:F1})");
        }

        var offered = OfferedFraction * capacities.Single(c => c.MaxBatchSize == new BatchingOptions().MaxBatchSize).JobsPerSecond;
        var points = new List<BatchingPoint>();
        foreach (var size in BatchSizes)
        {
            foreach (var delay in DelaysMilliseconds)
            {
                using var batches = new BatchSizeRecorder();
                await using var engine = await InferenceEngine.StartAsync(pipeline, Options(size, delay), cancellationToken: cancellationToken);
                batches.Clear();
                var run = await OpenLoopLoad.RunAsync(
                    offered, settings.SweepWindow, seed: size * 100 + (int)delay, i => InferAsync(engine, items[i % items.Length], cancellationToken), cancellationToken);
                points.Add(new BatchingPoint(size, delay, run.CompletedPerSecond, batches.MeanSize, run.Latency));
                Console.WriteLine($"  MaxBatchSize {size,2}, MaxDelay {delay,2} ms: {run.CompletedPerSecond,6:F0} jobs/s, p50 {run.Latency.P50,7:F1} ms, p99 {run.Latency.P99,7:F1} ms, mean batch {batches.MeanSize:F1}");
            }
        }

        var best = capacities.Max(c => c.JobsPerSecond);
        var chosenSize = capacities.Where(c => c.JobsPerSecond >= ThroughputTolerance * best).Min(c => c.MaxBatchSize);
        var chosenDelay = points.Where(p => p.MaxBatchSize == chosenSize).MinBy(p => p.Latency.P99)!.MaxDelayMilliseconds;
        var rule = $"the smallest MaxBatchSize whose closed-loop throughput is within {1 - ThroughputTolerance:P0} of the best, " +
            $"then the MaxDelay with the lowest p99 at that size under the {OfferedFraction:P0} load";
        return new BatchingResult(offered, capacities, points, chosenSize, chosenDelay, rule);
    }

    private static BatchingOptions Options(int maxBatchSize, double delayMilliseconds) => new()
    {
        MaxBatchSize = maxBatchSize,
        MaxDelay = TimeSpan.FromMilliseconds(delayMilliseconds),
    };

    private static async Task InferAsync(InferenceEngine engine, InferenceItem item, CancellationToken cancellationToken)
    {
        var result = await engine.InferAsync(item, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"inference failed: {result.Error!.Code}: {result.Error.Message}");
        }
    }
}
