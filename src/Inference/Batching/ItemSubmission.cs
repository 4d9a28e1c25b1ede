using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>A single item: one row, answered with its own outputs.</summary>
internal sealed class ItemSubmission(InferenceItem item, long enqueuedAt, CancellationToken cancellationToken)
    : Submission<InferenceResult>(rowCount: 1, enqueuedAt, cancellationToken)
{
    public override void WriteRows(StagingSlot slot, int slotRow, int firstRow, int count) => slot.WriteRow(slotRow, item.Inputs);

    public override int Deliver(BatchOutputs outputs, int batchRow, int firstRow, int count) =>
        Complete(InferenceResult.Success(outputs.Row(batchRow))) ? 1 : 0;

    public override void FailRow(int row, InferenceError error) => Complete(InferenceResult.Failure(error.Code, error.Message));
}
