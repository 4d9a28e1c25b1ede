using System.Diagnostics;
using PullWorker.Bench.Infrastructure;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Stages;
using PullWorker.Worker.Options;

namespace PullWorker.Bench.Backlog;

/// <summary>
/// Part 4: a large backlog of tiny-MLP jobs queued in the emulator (in this process), the worker in its own process
/// with default flow control; its VmRSS is sampled from /proc until the backlog is drained or the time is up.
/// </summary>
internal static class BacklogBenchmark
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TimeLimit = TimeSpan.FromMinutes(3);

    public static async Task<BacklogResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        using var models = new ModelDirectory();
        var modelPath = models.Write("tiny_mlp", SampleModels.TinyMlp());
        await using var deployment = await BenchDeployment.CreateAsync("backlog", cancellationToken);
        var jobs = settings.BacklogJobs;
        await deployment.PublishAsync(
            Enumerable.Range(0, jobs).Select(i => BenchDeployment.Message(
                JobMessages.Float32Job($"job-{i}", "x", SampleModels.Weights(16, (uint)(i % 64) + 100, 1f), [16]))),
            cancellationToken);
        Console.WriteLine($"  queued {jobs:N0} jobs; backlog {deployment.Backlog:N0}");

        var started = Stopwatch.GetTimestamp();
        await using var worker = WorkerProcess.Start(deployment.WorkerConfiguration(modelPath));
        await worker.WaitUntilReadyAsync(cancellationToken);
        var toReady = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var ready = Stopwatch.GetTimestamp();
        var samples = new List<BacklogSample>();
        using var timer = new PeriodicTimer(SampleInterval);
        do
        {
            worker.ThrowIfExited();
            var resident = ResidentSetSampler.ReadResidentMegabytes(worker.Id) ?? double.NaN;
            samples.Add(new BacklogSample(Stopwatch.GetElapsedTime(ready).TotalSeconds, resident, deployment.Backlog));
        }
        while (deployment.Acked < jobs && Stopwatch.GetElapsedTime(ready) < TimeLimit && await timer.WaitForNextTickAsync(cancellationToken));

        var seconds = Stopwatch.GetElapsedTime(ready).TotalSeconds;
        var done = deployment.Acked;
        var result = new BacklogResult(
            jobs, new FlowControlOptions().EffectiveMaxOutstandingMessages(new BatchingOptions().MaxBatchSize), toReady, done, seconds, done / seconds,
            samples[0].ResidentMegabytes, samples.Max(s => s.ResidentMegabytes), samples);
        Console.WriteLine(
            $"  {done:N0} jobs in {seconds:F1} s ({result.JobsPerSecond:F0} jobs/s); RSS at ready {result.ResidentAtReadyMegabytes:F0} MB, " +
            $"peak {result.PeakResidentMegabytes:F0} MB over {samples.Count} samples");
        return result;
    }
}
