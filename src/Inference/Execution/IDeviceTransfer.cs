namespace PullWorker.Inference.Execution;

/// <summary>Moves a batch's inputs to the device and its final outputs back: one copy each way per batch.</summary>
internal interface IDeviceTransfer : IDisposable
{
    /// <summary>Copies the staged rows into <paramref name="bucket"/>'s device inputs.</summary>
    void Upload(Bucket bucket, StagingSlot slot);

    /// <summary>Copies <paramref name="bucket"/>'s final outputs into its host outputs.</summary>
    void Download(Bucket bucket);
}
