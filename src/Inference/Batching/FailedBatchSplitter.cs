using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>
/// Finds the item that made a batch fail in ONNX Runtime, on the device thread: the batch is split in halves, each
/// half is staged again in the retry slot and rerun, and a half that fails is split again, until the failing item
/// is alone. It gets <c>inference_failed</c>; the others get their results. One bad input must not cost the jobs
/// that happened to share its batch.
/// Before the first lone item is blamed, a known-good batch (the warm-up input) runs once: if that fails too, the
/// device, not the item, is at fault and <see cref="DeviceFailedException"/> escapes to break the engine.
/// </summary>
internal sealed class FailedBatchSplitter(PipelineExecutor executor, StagingSlot retrySlot, InferenceMetrics metrics)
{
    /// <summary>Settles every item of <paramref name="batch"/>, which failed as a whole with <paramref name="failure"/>.</summary>
    /// <exception cref="DeviceFailedException">A known-good batch fails as well.</exception>
    public void Isolate(IReadOnlyList<ItemSubmission> batch, OnnxRuntimeException failure)
    {
        bool? deviceHealthy = null;
        Isolate([.. batch], failure, ref deviceHealthy);
    }

    private void Isolate(ItemSubmission[] items, OnnxRuntimeException failure, ref bool? deviceHealthy)
    {
        if (items.Length == 1)
        {
            deviceHealthy ??= executor.CanRunKnownGoodBatch(retrySlot);
            if (!deviceHealthy.Value)
            {
                throw new DeviceFailedException(
                    "the device failed: a known-good batch fails too (" + failure.Message + ")", failure);
            }

            metrics.RecordFailure(InferenceMetrics.FailureReasons.InferenceFailed);
            items[0].FailItem(new InferenceError(
                InferenceErrorCodes.InferenceFailed, "the model failed on this input: " + failure.Message));
            return;
        }

        var half = items.Length / 2;
        foreach (var part in new[] { items[..half], items[half..] })
        {
            try
            {
                for (var i = 0; i < part.Length; i++)
                {
                    part[i].Stage(retrySlot, i);
                }

                metrics.RecordSuccesses(ItemSubmission.DeliverAll(part, executor.Run(retrySlot, part.Length)));
            }
            catch (OnnxRuntimeException partFailure)
            {
                Isolate(part, partFailure, ref deviceHealthy);
            }
        }
    }
}
