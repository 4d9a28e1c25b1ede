namespace PullWorker.Jobs.Parsing;

/// <summary>
/// A tensor as the job gave it, checked for internal consistency only: the dtype is a contract dtype, the shape's
/// element count fits the size limits, and <see cref="Data"/> holds exactly that many elements as raw
/// little-endian bytes (whether the job sent <c>data</c> or <c>b64</c>). Whether it fits the pipeline is the
/// decoder's question.
/// </summary>
public sealed class TensorInput : JobInput
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    internal TensorInput(InputDType dtype, long[] shape, long elementCount, byte[] data)
    {
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        _data = data;
    }

    public InputDType DType { get; }

    /// <summary>The per-item shape, without the batch dimension; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    public long ElementCount { get; }

    /// <summary>The elements in row-major order as little-endian bytes: <c>ElementCount * DType.ElementSize()</c> of them.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>
    /// The shape and bytes themselves, so the decoder can wrap them in an inference tensor without copying. The
    /// parser never touches them again; the caller must not modify them.
    /// </summary>
    public (long[] Shape, byte[] Data) TakeArrays() => (_shape, _data);
}
