namespace PullWorker.Inference.Execution;

/// <summary>The CPU's "transfers": both sides are host memory, so each is a memory copy.</summary>
internal sealed class HostMemoryTransfer : IDeviceTransfer
{
    public void Upload(Bucket bucket, StagingSlot slot)
    {
        for (var i = 0; i < bucket.DeviceInputBuffers.Count; i++)
        {
            slot.Rows(i, 0, bucket.Size).CopyTo(bucket.DeviceInputBuffers[i].Span);
        }
    }

    public void Download(Bucket bucket)
    {
        for (var i = 0; i < bucket.DeviceOutputBuffers.Count; i++)
        {
            bucket.DeviceOutputBuffers[i].Span.CopyTo(bucket.HostOutputBuffers[i].Span);
        }
    }

    public void Dispose()
    {
    }
}
