using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Tensors;

namespace PullWorker.GpuCheck.Scenarios;

/// <summary>The pipeline's one input: name, dtype and shape of one item (no batch dimension).</summary>
internal sealed record ScenarioInput(string Name, TensorDataType DataType, IReadOnlyList<long> ItemShape);

/// <summary>One model of a scenario: its file name in the work folder and its ONNX bytes.</summary>
internal sealed record ScenarioModel(string FileName, byte[] Bytes);

/// <summary>
/// A pipeline the self-check runs two ways: through the engine (<see cref="Pipeline"/> over <see cref="EngineModels"/>)
/// and as raw sessions chained by IoBinding (<see cref="RawChain"/>, the same computation with any built-in stage
/// written out as a model), both fed the same items.
/// </summary>
/// <param name="Name">Short name for the report.</param>
/// <param name="Description">What the pipeline computes.</param>
/// <param name="EngineModels">The user models the engine loads, in order.</param>
/// <param name="RawChain">Every model of the computation in order; each one's single input is the previous one's output.</param>
/// <param name="Configure">Fills the engine's pipeline options once the models are written (their paths in order).</param>
/// <param name="Input">The pipeline input's name, dtype and per-item shape.</param>
/// <param name="CreateItem">The deterministic item with the given index (the same on every machine).</param>
internal sealed record CheckScenario(
    string Name,
    string Description,
    IReadOnlyList<ScenarioModel> EngineModels,
    IReadOnlyList<byte[]> RawChain,
    Action<PipelineOptions, IReadOnlyList<string>> Configure,
    ScenarioInput Input,
    Func<int, TensorData> CreateItem)
{
    public InferenceItem Item(int index) => InferenceItem.Single(Input.Name, CreateItem(index));
}
