using Microsoft.ML.OnnxRuntime;

namespace PullWorker.Inference.Execution;

/// <summary>
/// A host tensor's memory, its address looked up once. <c>OrtValue.GetTensorMutableRawData</c> makes native calls
/// and allocates every time, which for a small model's batches costs more than the copies themselves. Valid while
/// the tensor lives (ONNX Runtime never moves a tensor's memory).
/// </summary>
internal readonly unsafe struct NativeBuffer
{
    private readonly byte* _address;

    public NativeBuffer(OrtValue tensor)
    {
        var data = tensor.GetTensorMutableRawData();
        fixed (byte* address = data)
        {
            _address = address;
        }

        Length = data.Length;
    }

    public int Length { get; }

    public nint Address => (nint)_address;

    public Span<byte> Span => new(_address, Length);

    /// <summary>The first <paramref name="length"/> bytes (a smaller bucket's rows of a larger buffer).</summary>
    public Span<byte> Slice(int start, int length) => Span.Slice(start, length);
}
