using PullWorker.Inference.Configuration;
using PullWorker.Inference.Stages;

namespace PullWorker.Bench.Throughput;

/// <summary>Part 1: jobs/s, CPU per job and peak memory, end to end against raw Run, for a CNN and a tiny MLP.</summary>
internal static class ThroughputBenchmark
{
    public static async Task<ThroughputResult> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        ThroughputScenario[] scenarios =
        [
            new("compute CNN (0.31 GFLOP/job)", SampleModels.ComputeCnn(), "image", [3, 64, 64], settings.CnnJobs),
            new("tiny MLP", SampleModels.TinyMlp(), "x", [16], settings.MlpJobs),
        ];
        var results = new List<ModelThroughput>();
        foreach (var scenario in scenarios)
        {
            var (endToEnd, batchSizes) = await EndToEndRun.RunAsync(scenario, cancellationToken);
            var raw = await RawReplay.RunAsync(scenario, batchSizes);
            var result = new ModelThroughput(scenario.Name, scenario.Jobs, batchSizes.Average(), endToEnd, raw);
            results.Add(result);
            Console.WriteLine(
                $"  {scenario.Name}: end to end {endToEnd.JobsPerSecond:F0} jobs/s, raw {raw.JobsPerSecond:F0} jobs/s, ratio {result.Ratio:F2}, " +
                $"CPU s/1000 jobs {endToEnd.CpuSecondsPer1000Jobs:F2} vs {raw.CpuSecondsPer1000Jobs:F2}, mean batch {result.MeanBatchSize:F1}");
        }

        var defaults = new BatchingOptions();
        return new ThroughputResult(results, defaults.MaxBatchSize, defaults.MaxDelay.TotalMilliseconds);
    }
}
