using Microsoft.ML.OnnxRuntime;
using PullWorker.Bench.Infrastructure;

namespace PullWorker.Bench.Pathology;

/// <summary>
/// The pattern the Recruit Data Blog measured (docs/architecture.md), as a thread-pool web server runs it: one request per job, no batching, model A
/// and model B in two shared sessions guarded by a lock each, and A's output brought back to the host and
/// reshaped by a managed copy before B. Concurrent requests interleave between the two sessions.
/// </summary>
internal sealed class NaiveServer : IDisposable
{
    private readonly InferenceSession _modelA;
    private readonly InferenceSession _modelB;
    private readonly Lock _modelALock = new();
    private readonly Lock _modelBLock = new();
    private readonly RunOptions _runOptions = new();

    public NaiveServer(byte[] modelA, byte[] modelB)
    {
        // The same session settings as the engine's on the CPU, so only the pattern differs.
        using var options = WorkerSessionOptions.Create();
        _modelA = new InferenceSession(modelA, options);
        _modelB = new InferenceSession(modelB, options);
    }

    /// <summary>One request, synchronously on the calling thread: A, host reshape, B; returns B's scores.</summary>
    public float[] Handle(float[] image)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, .. TwoModelPipeline.ItemShape]);
        float[] grid;
        lock (_modelALock)
        {
            using var features = _modelA.Run(_runOptions, [TwoModelPipeline.Input], [input], [TwoModelPipeline.Features]);
            grid = features[0].GetTensorDataAsSpan<float>().ToArray();
        }

        using var reshaped = OrtValue.CreateTensorValueFromMemory(grid, [1, .. TwoModelPipeline.GridShape]);
        lock (_modelBLock)
        {
            using var scores = _modelB.Run(_runOptions, [TwoModelPipeline.Grid], [reshaped], [TwoModelPipeline.Output]);
            return scores[0].GetTensorDataAsSpan<float>().ToArray();
        }
    }

    public void Dispose()
    {
        _modelA.Dispose();
        _modelB.Dispose();
        _runOptions.Dispose();
    }
}
