using System.Runtime.InteropServices;
using PullWorker.Inference.Execution;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>
/// A block of rows: copied into batches a range at a time, its outputs gathered into arrays allocated up front by
/// the caller's thread, and answered once when every row has its result. Only the device thread delivers.
/// </summary>
internal sealed class BlockSubmission : Submission<InferenceBlockResult>
{
    private readonly TensorData[] _inputs;
    private readonly int[] _inputRowBytes;
    private readonly BatchOutputs _layout;
    private readonly Array[] _outputs;
    private Dictionary<int, InferenceError>? _rowErrors;
    private int _pending;

    /// <param name="inputs">The block's tensors in pipeline input order, already validated.</param>
    /// <param name="layout">Any batch's outputs: names, layouts and labels (its data is not read here).</param>
    public BlockSubmission(
        IReadOnlyList<TensorSpec> specs, TensorData[] inputs, int rowCount, BatchOutputs layout, long enqueuedAt, CancellationToken cancellationToken)
        : base(rowCount, enqueuedAt, cancellationToken)
    {
        _inputs = inputs;
        _inputRowBytes = [.. specs.Select(spec => checked((int)spec.ItemByteCount))];
        _layout = layout;
        _outputs = [.. layout.Layouts.Select(output => Array.CreateInstance(output.Type.ClrType(), (long)rowCount * output.RowElements))];
        _pending = rowCount;
        if (rowCount == 0)
        {
            // Nothing to queue: answered at once.
            Settle(0);
        }
    }

    public override void WriteRows(StagingSlot slot, int slotRow, int firstRow, int count)
    {
        for (var i = 0; i < _inputs.Length; i++)
        {
            var rowBytes = _inputRowBytes[i];
            _inputs[i].Bytes.Slice(firstRow * rowBytes, count * rowBytes).CopyTo(slot.Rows(i, slotRow, count));
        }
    }

    public override int Deliver(BatchOutputs outputs, int batchRow, int firstRow, int count)
    {
        if (IsCompleted)
        {
            return 0;
        }

        for (var i = 0; i < _outputs.Length; i++)
        {
            var rowBytes = outputs.Layouts[i].RowBytes;
            var all = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_outputs[i]), checked(RowCount * rowBytes));
            outputs.Rows(i, batchRow, count).CopyTo(all.Slice(firstRow * rowBytes, count * rowBytes));
        }

        Settle(count);
        return count;
    }

    public override void FailRow(int row, InferenceError error)
    {
        (_rowErrors ??= [])[row] = error;
        Settle(1);
    }

    private void Settle(int rows)
    {
        _pending -= rows;
        if (_pending > 0)
        {
            return;
        }

        var tensors = new Dictionary<string, TensorData>(_outputs.Length + 1, StringComparer.Ordinal);
        for (var i = 0; i < _outputs.Length; i++)
        {
            var output = _layout.Layouts[i];
            tensors[_layout.Names[i]] = TensorData.Create(output.Type, [RowCount, .. output.RowShape], _outputs[i]);
        }

        _layout.AddLabels(tensors, _rowErrors?.Keys);
        Complete(InferenceBlockResult.Success(RowCount, tensors, _rowErrors));
    }
}
