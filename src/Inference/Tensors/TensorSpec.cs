using PullWorker.Inference.Onnx;

namespace PullWorker.Inference.Tensors;

/// <summary>
/// A pipeline input as jobs see it: name, dtype and per-item shape (no batch dimension). Symbolic dims keep their
/// name in <see cref="DeclaredDims"/>; <see cref="ItemShape"/> holds the value each has in this deployment.
/// </summary>
public sealed record TensorSpec(
    string Name, TensorDataType DataType, IReadOnlyList<Dim> DeclaredDims, IReadOnlyList<long> ItemShape)
{
    /// <summary>Elements per item.</summary>
    public long ItemElementCount => TensorData.ElementCountOf(ItemShape);

    /// <summary>Bytes per item.</summary>
    public long ItemByteCount => ItemElementCount * DataType.ElementSize();

    /// <summary>
    /// Checks one item's value against this spec; returns null when it fits, otherwise a message naming the
    /// input and saying exactly what was expected and what came (for an <c>invalid_tensor</c> error).
    /// </summary>
    public string? Validate(TensorData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.DataType != DataType)
        {
            return $"input '{Name}': expected dtype {DataType.ToContractName()}, got {value.DataType.ToContractName()}";
        }

        var expected = $"expected shape [{string.Join(',', ItemShape)}] ({ItemElementCount} values)";
        if (value.Shape.Count != ItemShape.Count)
        {
            return $"input '{Name}': {expected}, got shape [{string.Join(',', value.Shape)}] ({value.ElementCount} values)";
        }

        for (var i = 0; i < ItemShape.Count; i++)
        {
            if (value.Shape[i] == ItemShape[i])
            {
                continue;
            }

            return DeclaredDims[i].Symbol is { } symbol
                ? $"input '{Name}': dim {i} ('{symbol}') must be {ItemShape[i]} in this deployment (Pipeline:SymbolicDims:{symbol}), got {value.Shape[i]}"
                : $"input '{Name}': {expected}, got shape [{string.Join(',', value.Shape)}] ({value.ElementCount} values)";
        }

        return null;
    }
}
