using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Host buffers (pinned on CUDA) where one batch's inputs are assembled row by row, sized for the largest bucket,
/// with a preallocated view of the first <c>b</c> rows for every bucket size <c>b</c>, which the stages' batch inputs
/// are bound to. The batcher owns two: one for batches, one for warm-up and for retrying the halves of a failed batch.
/// </summary>
internal sealed class StagingSlot : IDisposable
{
    private readonly OrtValue[] _buffers;
    private readonly NativeBuffer[] _memory;
    private readonly long[] _rowBytes;
    private readonly Dictionary<int, OrtValue[]> _views = [];

    public StagingSlot(IReadOnlyList<TensorSpec> inputs, IReadOnlyList<int> bucketSizes, DeviceMemory memory)
    {
        Inputs = inputs;
        Capacity = bucketSizes.Max();
        _buffers = new OrtValue[inputs.Count];
        _memory = new NativeBuffer[inputs.Count];
        _rowBytes = new long[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                _rowBytes[i] = inputs[i].ItemByteCount;
                _buffers[i] = OrtValue.CreateAllocatedTensorValue(
                    memory.HostAllocator, inputs[i].DataType.ToOrt(), [Capacity, .. inputs[i].ItemShape]);
                _memory[i] = new NativeBuffer(_buffers[i]);
            }

            foreach (var size in bucketSizes)
            {
                _views[size] = [.. inputs.Select((spec, i) => OrtValue.CreateTensorValueWithData(
                    memory.Host, spec.DataType.ToOrt(), [size, .. spec.ItemShape], _memory[i].Address, size * _rowBytes[i]))];
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>Rows the slot holds: the largest bucket.</summary>
    public int Capacity { get; }

    /// <summary>Copies one item's tensors into row <paramref name="row"/>.</summary>
    public void WriteRow(int row, IReadOnlyDictionary<string, TensorData> tensors)
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            tensors[Inputs[i].Name].Bytes.CopyTo(Rows(i, row, 1));
        }
    }

    /// <summary>The memory of rows [<paramref name="firstRow"/>, +<paramref name="count"/>) of one input.</summary>
    public Span<byte> Rows(int input, int firstRow, int count) =>
        _memory[input].Slice(checked((int)(firstRow * _rowBytes[input])), checked((int)(count * _rowBytes[input])));

    /// <summary>Fills every input's rows with zeros (the warm-up batch).</summary>
    public void Clear()
    {
        foreach (var memory in _memory)
        {
            memory.Span.Clear();
        }
    }

    /// <summary>
    /// Fills rows [<paramref name="count"/>, <paramref name="bucketSize"/>) with copies of row 0: padding made of a
    /// real item cannot make a batch fail that would have passed without it, and its results are dropped.
    /// </summary>
    public void Pad(int count, int bucketSize)
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            var first = Rows(i, 0, 1);
            for (var row = count; row < bucketSize; row++)
            {
                first.CopyTo(Rows(i, row, 1));
            }
        }
    }

    /// <summary>Views over the first <paramref name="bucketSize"/> rows, one per input.</summary>
    public IReadOnlyList<OrtValue> ViewsFor(int bucketSize) => _views[bucketSize];

    public void Dispose()
    {
        foreach (var view in _views.Values.SelectMany(v => v))
        {
            view?.Dispose();
        }

        foreach (var buffer in _buffers)
        {
            buffer?.Dispose();
        }
    }
}
