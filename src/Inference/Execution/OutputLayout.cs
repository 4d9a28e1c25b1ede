using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>A pipeline output's dtype and per-row shape (its shape without the batch dimension).</summary>
internal sealed record OutputLayout(TensorDataType Type, long[] RowShape)
{
    public int RowElements { get; } = checked((int)TensorData.ElementCountOf(RowShape));

    public int RowBytes => RowElements * Type.ElementSize();
}
