using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Bench.Infrastructure;
using PullWorker.Inference.Stages;

namespace PullWorker.Bench.Layouts;

/// <summary>
/// The inference the worker cannot avoid: <c>InferenceSession.Run</c> of the same model at the worker's batch size,
/// with the engine's session options, in the bench process while nothing else in it runs. Process CPU time (all
/// threads, onnxruntime's own included) around the loop, over the items, is the raw CPU per item.
/// </summary>
internal static class RawRunCpu
{
    public static double MicrosecondsPerItem(byte[] model, string input, int features, int batchSize, int runs)
    {
        using var options = WorkerSessionOptions.Create();
        using var session = new InferenceSession(model, options);
        using var runOptions = new RunOptions();
        var values = SampleModels.Weights(batchSize * features, seed: 7, 1f);
        using var batch = OrtValue.CreateTensorValueFromMemory(values, [batchSize, features]);
        string[] inputNames = [input];
        var outputNames = session.OutputNames.ToArray();
        for (var i = 0; i < 50; i++)
        {
            using var warmUp = session.Run(runOptions, inputNames, [batch], outputNames);
        }

        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < runs; i++)
        {
            using var outputs = session.Run(runOptions, inputNames, [batch], outputNames);
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / ((double)runs * batchSize);
    }
}
