using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>One job's inputs: a value for every pipeline input, by name, without the batch dimension.</summary>
public sealed class InferenceItem
{
    /// <summary>Creates an item from named tensors.</summary>
    public InferenceItem(IReadOnlyDictionary<string, TensorData> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Inputs = inputs;
    }

    /// <summary>The tensors by pipeline input name.</summary>
    public IReadOnlyDictionary<string, TensorData> Inputs { get; }

    /// <summary>An item for a pipeline with a single input.</summary>
    public static InferenceItem Single(string inputName, TensorData value) =>
        new(new Dictionary<string, TensorData>(StringComparer.Ordinal) { [inputName] = value });
}
