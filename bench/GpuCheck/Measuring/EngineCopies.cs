using PullWorker.Inference;

namespace PullWorker.GpuCheck.Measuring;

/// <summary>Host/device copies the engine measured for one batch, as the report shows them.</summary>
/// <param name="Uploads">Host-to-device copies of the batch's inputs.</param>
/// <param name="Downloads">Device-to-host copies of the final outputs.</param>
/// <param name="BetweenStages">Stage inputs that came from host memory instead of the device.</param>
/// <param name="InsideStages">Copies ONNX Runtime inserted inside the stages.</param>
internal sealed record EngineCopies(int Uploads, int Downloads, int BetweenStages, int InsideStages)
{
    public int Total => Uploads + Downloads + BetweenStages + InsideStages;

    /// <summary>
    /// The one place that reads the engine's transfer counts: if their type or property changes, only this changes.
    /// </summary>
    public static EngineCopies Of(InferenceEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var counts = engine.LastBatchTransfers;
        return new EngineCopies(counts.Uploads, counts.Downloads, counts.InterStageHostCopies, counts.InStageCopies);
    }
}
