using Microsoft.ML.OnnxRuntime;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// The session settings the engine uses on the CPU (full graph optimisation, sequential execution, one intra-op
/// thread per core, no spinning), so that raw and naive baselines differ from the product only in what is measured.
/// </summary>
internal static class WorkerSessionOptions
{
    public static SessionOptions Create()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
