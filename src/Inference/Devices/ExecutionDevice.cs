namespace PullWorker.Inference.Devices;

/// <summary>The device a pipeline was placed on.</summary>
/// <param name="IsCuda">True for a CUDA GPU, false for the CPU.</param>
/// <param name="DeviceId">The CUDA device ordinal (0 on the CPU).</param>
public sealed record ExecutionDevice(bool IsCuda, int DeviceId)
{
    /// <summary>The CPU.</summary>
    public static ExecutionDevice Cpu { get; } = new(false, 0);

    /// <summary>A CUDA GPU.</summary>
    public static ExecutionDevice Cuda(int deviceId) => new(true, deviceId);

    /// <summary>Short name for logs and metric tags: <c>cpu</c> or <c>cuda:0</c>.</summary>
    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}
