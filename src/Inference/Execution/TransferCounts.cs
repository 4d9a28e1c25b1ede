namespace PullWorker.Inference.Execution;

/// <summary>
/// Host/device copies one batch made, measured from what was bound and copied (not declared). On the CPU host and
/// device are one memory, so a healthy pipeline shows zeros; on CUDA one upload per batch input and one download
/// per output, and zero copies between or inside stages.
/// </summary>
/// <param name="Uploads">Batch inputs bound from host (staging) memory to a device session: ONNX Runtime copies each at bind time.</param>
/// <param name="Downloads">Final outputs copied from device to host memory.</param>
/// <param name="InterStageHostCopies">
/// Stage inputs fed by an earlier stage that are not bound to the device tensor it wrote (a host round trip).
/// </param>
/// <param name="InStageCopies">
/// Copies ONNX Runtime inserted inside the stages for nodes it could not place on the device
/// (<see cref="ModelFile.InsertedCopies"/>, summed); 0 unless a model has such nodes.
/// </param>
public sealed record TransferCounts(int Uploads, int Downloads, int InterStageHostCopies, int InStageCopies)
{
    /// <summary>Before the first batch.</summary>
    public static TransferCounts None { get; } = new(0, 0, 0, 0);

    /// <summary>Every copy of the batch.</summary>
    public int Total => Uploads + Downloads + InterStageHostCopies + InStageCopies;
}
