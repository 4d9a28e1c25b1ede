namespace PullWorker.Inference.Execution;

/// <summary>The CPU's "transfers": both sides are host memory, so each is a memory copy.</summary>
internal sealed class HostMemoryTransfer : IDeviceTransfer
{
    public void Upload(Bucket bucket, StagingSlot slot)
    {
        var views = slot.ViewsFor(bucket.Size);
        for (var i = 0; i < views.Count; i++)
        {
            views[i].GetTensorMutableRawData().CopyTo(bucket.DeviceInputs[i].GetTensorMutableRawData());
        }
    }

    public void Download(Bucket bucket)
    {
        for (var i = 0; i < bucket.DeviceOutputs.Count; i++)
        {
            bucket.DeviceOutputs[i].GetTensorMutableRawData().CopyTo(bucket.HostOutputs[i].GetTensorMutableRawData());
        }
    }

    public void Dispose()
    {
    }
}
