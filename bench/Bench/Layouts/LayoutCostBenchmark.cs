using System.Diagnostics;
using PullWorker.Bench.Infrastructure;
using PullWorker.Inference.Onnx;
using PullWorker.Inference.Stages;
using PullWorker.Inference.Tensors;

namespace PullWorker.Bench.Layouts;

/// <summary>
/// Part 7: an MNIST-sized MLP (784 float32 inputs as <c>b64</c>, 128 hidden, 10 outputs); the same backlog is queued
/// in the emulator (in this process) once per <c>Worker:ResultLayout</c> and drained by the worker in its own process.
/// The worker's CPU time (utime + stime, from /proc) between ready and the last ack, divided by the jobs, is its CPU per
/// job; the objects under the results prefix divided by the jobs are the Class A operations per job.
/// </summary>
internal static class LayoutCostBenchmark
{
    private const int Features = 784;
    private const int MaxBatchSize = 32;
    private const string TracedLayout = "batch";
    private const string NoSpinLabel = "batch, thread-pool spin off";
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(3);

    public static async Task<LayoutCostResult> RunAsync(BenchSettings settings, bool trace, CancellationToken cancellationToken)
    {
        using var models = new ModelDirectory();
        var model = MnistMlp();
        var modelPath = models.Write("mnist_mlp", model);
        var jobs = settings.MlpJobs / 2;

        // Before any worker or emulator traffic, so that this process's CPU is the loop's alone.
        var rawPerItem = RawRunCpu.MicrosecondsPerItem(model, "x", Features, MaxBatchSize, runs: jobs / MaxBatchSize);
        Console.WriteLine($"  raw InferenceSession.Run at batch {MaxBatchSize}: {rawPerItem:F1} µs CPU per item");
        var runs = new List<LayoutRun>();
        foreach (var layout in new[] { "object", "batch" })
        {
            runs.Add(await RunLayoutAsync(layout, layout, modelPath, jobs, [], cancellationToken));
        }

        // The trace's largest share is the thread pool's workers spinning before they sleep; the same drain with the
        // runtime's spin turned off shows what that costs.
        runs.Add(await RunLayoutAsync(
            NoSpinLabel, "batch", modelPath, jobs, new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }, cancellationToken));

        Console.WriteLine(
            $"  batch / object: CPU per job x{runs[1].CpuMicrosecondsPerJob / runs[0].CpuMicrosecondsPerJob:F2}, " +
            $"Class A per job x{runs[1].ClassAPerJob / runs[0].ClassAPerJob:F3}, jobs/s x{runs[1].JobsPerSecond / runs[0].JobsPerSecond:F2}");
        foreach (var run in runs)
        {
            var own = run.CpuMicrosecondsPerJob - rawPerItem;
            var target = LayoutCostResult.TargetMicroseconds(run.Layout);
            Console.WriteLine($"  {run.Layout,-6}: worker's own CPU (excluding inference) {own:F0} µs/job, target <= {target:F0}: {(own <= target ? "met" : "not met")}");
        }

        IReadOnlyList<StageShare>? breakdown = null;
        if (trace)
        {
            var speedscope = await LayoutTrace.CollectAsync(TracedLayout, modelPath, jobs * 2, Features, MaxBatchSize, cancellationToken);
            breakdown = StageBreakdown.FromSpeedscope(speedscope);
            Directory.Delete(Path.GetDirectoryName(speedscope)!, recursive: true);
            var perJob = runs.Single(r => r.Layout == TracedLayout).CpuMicrosecondsPerJob;
            foreach (var share in breakdown)
            {
                Console.WriteLine($"  {TracedLayout} stage {share.Stage,-30} {share.Share,6:P1} of running samples, ~{share.Share * perJob:F0} µs/job");
            }
        }

        return new LayoutCostResult(jobs, MaxBatchSize, rawPerItem, runs, TracedLayout, breakdown);
    }

    private static async Task<LayoutRun> RunLayoutAsync(
        string label, string layout, string modelPath, int jobs, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        await using var deployment = await BenchDeployment.CreateAsync($"layout-{layout}-{environment.Count}", cancellationToken);
        await deployment.PublishAsync(
            Enumerable.Range(0, jobs).Select(i => BenchDeployment.Message(
                JobMessages.Float32Job($"job-{i}", "x", SampleModels.Weights(Features, (uint)(i % 64) + 300, 1f), [Features]))),
            cancellationToken);

        var configuration = deployment.WorkerConfiguration(modelPath);
        configuration["Worker:ResultLayout"] = layout;
        configuration["Batching:MaxBatchSize"] = MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            configuration[key] = value;
        }

        await using var worker = WorkerProcess.Start(configuration);
        await worker.WaitUntilReadyAsync(cancellationToken);
        var cpuAtReady = worker.CpuTime;
        var ready = Stopwatch.GetTimestamp();
        while (deployment.Acked < jobs && Stopwatch.GetElapsedTime(ready) < TimeLimit)
        {
            worker.ThrowIfExited();
            await Task.Delay(20, cancellationToken);
        }

        var seconds = Stopwatch.GetElapsedTime(ready).TotalSeconds;
        var cpu = (worker.CpuTime - cpuAtReady).TotalSeconds;
        var done = deployment.Acked;
        var objects = deployment.Emulator.Storage.ListObjects(BenchDeployment.ResultsBucket, "out/").Count;
        var run = new LayoutRun(label, done, seconds, done / seconds, cpu, cpu * 1e6 / Math.Max(1, done), objects);
        Console.WriteLine(
            $"  {label,-6}: {done:N0} jobs in {seconds:F1} s ({run.JobsPerSecond:F0} jobs/s); worker CPU {run.CpuMicrosecondsPerJob:F0} µs/job; " +
            $"{objects:N0} objects ({run.JobsPerObject:F1} jobs each, {run.ClassAPerJob:F4} Class A per job)");
        return run;
    }

    /// <summary><c>x</c> float32 [N, 784] -> Relu(x W1 + b1) [N, 128] -> <c>y</c> = h W2 + b2 [N, 10].</summary>
    private static byte[] MnistMlp()
    {
        var builder = new OnnxModelBuilder("mnist_mlp").Input("x", TensorDataType.Float32, "N", Features);
        var hidden = builder.Apply("Relu", [builder.Apply("Add", [
            builder.Apply("MatMul", ["x", builder.Constant(SampleModels.Weights(Features * 128, seed: 41, 0.05f), Features, 128)]),
            builder.Constant(SampleModels.Weights(128, seed: 42, 0.1f), 128)])]);
        var product = builder.Apply("MatMul", [hidden, builder.Constant(SampleModels.Weights(128 * 10, seed: 43, 0.1f), 128, 10)]);
        return builder
            .Node("Add", [product, builder.Constant(SampleModels.Weights(10, seed: 44, 0.1f), 10)], ["y"])
            .Output("y", TensorDataType.Float32, "N", 10)
            .Build();
    }
}
