using PullWorker.Bench.Infrastructure;
using PullWorker.Inference;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.Bench.Pathology;

/// <summary>
/// Part 2: the two-model pipeline under a constant offered load at 50, 80 and 95 % of each variant's own
/// capacity, (a) as stages of one engine (batched, reshape inside the graph) and (b) as the blog's naive server.
/// The variants alternate at each load level so both see the same machine.
/// </summary>
internal static class PathologyBenchmark
{
    public const string Engine = "(a) engine";
    public const string Naive = "(b) naive";
    public const string EngineAtNaiveRates = "(a) engine at (b)'s rates";

    /// <summary>FastAPI runs synchronous endpoints on a pool of 40 threads (AnyIO's default limiter).</summary>
    private const int WebServerThreads = 40;
    private const int DistinctItems = 64;
    private static readonly double[] Fractions = [0.5, 0.8, 0.95];
    private static readonly int[] ConcurrentUsers = [1, 4, 16, 64];

    public static async Task<PathologyResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, WebServerThreads), Math.Max(io, WebServerThreads));

        using var models = new ModelDirectory();
        var images = Enumerable.Range(0, DistinctItems).Select(TwoModelPipeline.ItemValues).ToArray();
        var items = images
            .Select(image => InferenceItem.Single(TwoModelPipeline.Input, TensorData.Float32(image, TwoModelPipeline.ItemShape)))
            .ToArray();

        var pipeline = new PipelineOptions
        {
            Device = DeviceKind.Cpu,
            Stages =
            [
                new StageOptions { Model = models.Write("model_a", TwoModelPipeline.ModelA()) },
                new StageOptions { Model = models.Write("model_b_reshaped", TwoModelPipeline.ModelBWithReshape()) },
            ],
        };
        var batching = new BatchingOptions();
        await using var engine = await InferenceEngine.StartAsync(pipeline, batching, cancellationToken: cancellationToken);
        using var naive = new NaiveServer(TwoModelPipeline.ModelA(), TwoModelPipeline.ModelB());

        Func<int, Task> engineJob = async i => EnsureSuccess(await engine.InferAsync(items[i % DistinctItems], cancellationToken));
        Func<int, Task> naiveJob = i => Task.Run(() => naive.Handle(images[i % DistinctItems]), cancellationToken);

        // Capacity: enough callers to keep each variant busy (two full batches for the engine; for the naive
        // server more requests in flight only queue at the locks).
        var engineCapacity = await ClosedLoopLoad.JobsPerSecondAsync(
            2 * batching.MaxBatchSize, settings.WarmUp, settings.CapacityWindow, engineJob, cancellationToken);
        Console.WriteLine($"  capacity {Engine}: {engineCapacity:F0} jobs/s");
        var naiveCapacity = await ClosedLoopLoad.JobsPerSecondAsync(
            4, settings.WarmUp, settings.CapacityWindow, naiveJob, cancellationToken);
        Console.WriteLine($"  capacity {Naive}: {naiveCapacity:F0} jobs/s");

        var enginePoints = new List<LoadPoint>();
        var naivePoints = new List<LoadPoint>();
        var sameRatePoints = new List<LoadPoint>();
        foreach (var fraction in Fractions)
        {
            var seed = (int)(fraction * 1000);
            enginePoints.Add(new LoadPoint(fraction, await OpenLoopLoad.RunAsync(fraction * engineCapacity, settings.LoadWindow, seed, engineJob, cancellationToken)));
            Print(Engine, enginePoints[^1]);
            naivePoints.Add(new LoadPoint(fraction, await OpenLoopLoad.RunAsync(fraction * naiveCapacity, settings.LoadWindow, seed, naiveJob, cancellationToken)));
            Print(Naive, naivePoints[^1]);
            sameRatePoints.Add(new LoadPoint(fraction, await OpenLoopLoad.RunAsync(fraction * naiveCapacity, settings.LoadWindow, seed, engineJob, cancellationToken)));
            Print(EngineAtNaiveRates, sameRatePoints[^1]);
        }

        // The blog's own experiment: N concurrent users, each sending its next request when the last returns.
        var users = new List<UsersPoint>();
        foreach (var count in ConcurrentUsers)
        {
            var engineRun = await ClosedLoopLoad.RunAsync(count, settings.LoadWindow / 2, engineJob, cancellationToken);
            var naiveRun = await ClosedLoopLoad.RunAsync(count, settings.LoadWindow / 2, naiveJob, cancellationToken);
            users.Add(new UsersPoint(count, engineRun, naiveRun));
            Console.WriteLine(
                $"  {count,2} users: {Engine} {engineRun.JobsPerSecond:F0} jobs/s p50 {engineRun.Latency.P50:F1} p90/p50 {engineRun.Latency.P90OverP50:F2}; " +
                $"{Naive} {naiveRun.JobsPerSecond:F0} jobs/s p50 {naiveRun.Latency.P50:F1} p90/p50 {naiveRun.Latency.P90OverP50:F2}");
        }

        ThreadPool.SetMinThreads(workers, io);
        return new PathologyResult(
            [
                new VariantResult(Engine, $"stages of one InferenceEngine, reshape in model B's graph, Batching:MaxBatchSize {batching.MaxBatchSize}, MaxDelay {batching.MaxDelay.TotalMilliseconds} ms", engineCapacity, enginePoints),
                new VariantResult(Naive, "one request per job on the thread pool, A and B in shared sessions with a lock each, host reshape (managed copy) between", naiveCapacity, naivePoints),
                new VariantResult(EngineAtNaiveRates, "(a) offered the same jobs/s as (b); load = fraction of (b)'s capacity", engineCapacity, sameRatePoints),
            ],
            users,
            WebServerThreads);
    }

    private static void EnsureSuccess(InferenceResult result)
    {
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"inference failed: {result.Error!.Code}: {result.Error.Message}");
        }
    }

    private static void Print(string variant, LoadPoint point) =>
        Console.WriteLine(
            $"  {variant} at {point.Fraction:P0}: offered {point.Run.OfferedPerSecond:F0}/s, p50 {point.Run.Latency.P50:F1} ms, " +
            $"p90 {point.Run.Latency.P90:F1} ms, p99 {point.Run.Latency.P99:F1} ms, p90/p50 {point.Run.Latency.P90OverP50:F2}");
}
