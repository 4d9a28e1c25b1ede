using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace PullWorker.Inference.Bench;

/// <summary>The baseline: one session (the pipeline's settings), one pre-built batch, <c>Run</c> in a loop on one thread.</summary>
internal static class RawSessionRunner
{
    public static Measurement Measure(Scenario scenario, int batchSize)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = scenario.IntraOpThreads,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(scenario.Model, options);
        var batch = Enumerable.Range(0, batchSize).SelectMany(scenario.ItemValues).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(batch, [batchSize, .. scenario.ItemShape]);
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        string[] inputNames = [scenario.Input];
        OrtValue[] inputs = [input];

        // Warm-up, then measure whole batches until the window has passed.
        RunFor(TimeSpan.FromSeconds(1));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (batches, elapsed) = RunFor(scenario.Window);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new Measurement(batches * batchSize / elapsed.TotalSeconds, cpu.TotalMicroseconds / (batches * batchSize), batchSize);

        (long Batches, TimeSpan Elapsed) RunFor(TimeSpan window)
        {
            var started = Stopwatch.GetTimestamp();
            long batches = 0;
            while (Stopwatch.GetElapsedTime(started) < window)
            {
                using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
                batches++;
            }

            return (batches, Stopwatch.GetElapsedTime(started));
        }
    }
}
