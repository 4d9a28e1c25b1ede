using Microsoft.ML.OnnxRuntime;

namespace PullWorker.Inference.Execution;

/// <summary>A stage's session and how its inputs and outputs are wired into the pipeline's namespace.</summary>
internal sealed class LoadedStage(
    ModelFile model,
    InferenceSession session,
    IReadOnlyList<(string ModelName, string Source)> inputs,
    IReadOnlyList<(string ModelName, string Produced)> outputs) : IDisposable
{
    public ModelFile Model { get; } = model;

    public InferenceSession Session { get; } = session;

    /// <summary>Each model input and the pipeline tensor feeding it.</summary>
    public IReadOnlyList<(string ModelName, string Source)> Inputs { get; } = inputs;

    /// <summary>Each model output and the pipeline name it is published under.</summary>
    public IReadOnlyList<(string ModelName, string Produced)> Outputs { get; } = outputs;

    public void Dispose() => Session.Dispose();
}
