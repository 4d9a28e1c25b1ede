namespace PullWorker.Inference.Execution;

/// <summary>Host/device copies made for one batch.</summary>
/// <param name="Uploads">Host-to-device copies of the batch's inputs (one per batch by design).</param>
/// <param name="Downloads">Device-to-host copies of the final outputs (one per batch by design).</param>
/// <param name="InterStageHostCopies">Stage inputs that had to come from host memory (0 by design).</param>
/// <param name="InStageCopies">
/// Copies ONNX Runtime inserted inside the stages for nodes it could not place on the device
/// (<see cref="ModelFile.InsertedCopies"/>, summed); 0 unless a model has such nodes.
/// </param>
public readonly record struct TransferCounts(int Uploads, int Downloads, int InterStageHostCopies, int InStageCopies);
