using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Bench.Infrastructure;

namespace PullWorker.Bench.Throughput;

/// <summary>
/// The baseline: one session with the engine's settings, <c>Run</c> on one thread over the very batch sizes the
/// worker executed, in the same order, with inputs built before the clock starts.
/// </summary>
internal static class RawReplay
{
    public static async Task<Measurement> RunAsync(ThroughputScenario scenario, IReadOnlyList<int> batchSizes)
    {
        using var options = WorkerSessionOptions.Create();
        using var session = new InferenceSession(scenario.Model, options);
        using var runOptions = new RunOptions();
        var inputs = batchSizes.Distinct().ToDictionary(size => size, size => Batch(scenario, size));
        string[] inputNames = [scenario.Input];
        var outputNames = session.OutputNames.ToArray();
        try
        {
            // Warm-up: every size once.
            foreach (var input in inputs.Values)
            {
                using var outputs = session.Run(runOptions, inputNames, [input], outputNames);
            }

            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var sampler = ResidentSetSampler.ForThisProcess(TimeSpan.FromMilliseconds(50));
            await using (sampler)
            {
                foreach (var size in batchSizes)
                {
                    using var outputs = session.Run(runOptions, inputNames, [inputs[size]], outputNames);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            var jobs = batchSizes.Sum();
            return new Measurement(
                elapsed.TotalSeconds, jobs / elapsed.TotalSeconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds * 1000 / jobs, sampler.PeakMegabytes);
        }
        finally
        {
            foreach (var input in inputs.Values)
            {
                input.Dispose();
            }
        }
    }

    private static OrtValue Batch(ThroughputScenario scenario, int size)
    {
        var values = Enumerable.Range(0, size).SelectMany(scenario.ItemValues).ToArray();
        return OrtValue.CreateTensorValueFromMemory(values, [size, .. scenario.ItemShape]);
    }
}
