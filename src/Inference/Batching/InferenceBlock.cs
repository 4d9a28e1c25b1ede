using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>
/// Many items submitted together: for every pipeline input, one tensor holding all the rows, rows first
/// (<c>[rows, ...item shape]</c>). The batcher packs rows into batches like single items, splitting a block
/// across batches or sharing a batch with others, but queues it once and answers it once: the way to feed
/// small models, where per-item bookkeeping would cost more than the compute.
/// </summary>
public sealed class InferenceBlock
{
    /// <summary>Creates a block; every tensor needs the same number of rows in its first dimension.</summary>
    public InferenceBlock(IReadOnlyDictionary<string, TensorData> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("a block needs at least one input", nameof(inputs));
        }

        long? rows = null;
        foreach (var (name, tensor) in inputs)
        {
            if (tensor.Shape.Count == 0 || (rows is { } expected && tensor.Shape[0] != expected))
            {
                throw new ArgumentException(
                    $"input '{name}' has shape [{string.Join(',', tensor.Shape)}]; every input of a block needs the same row count first ({rows})",
                    nameof(inputs));
            }

            rows = tensor.Shape[0];
        }

        RowCount = checked((int)rows!.Value);
        Inputs = inputs;
    }

    /// <summary>The tensors by pipeline input name, rows first.</summary>
    public IReadOnlyDictionary<string, TensorData> Inputs { get; }

    /// <summary>The number of items.</summary>
    public int RowCount { get; }

    /// <summary>A block for a pipeline with a single input.</summary>
    public static InferenceBlock Single(string inputName, TensorData rows) =>
        new(new Dictionary<string, TensorData>(StringComparer.Ordinal) { [inputName] = rows });
}
