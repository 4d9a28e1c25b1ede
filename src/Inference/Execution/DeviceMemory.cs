using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Devices;

namespace PullWorker.Inference.Execution;

/// <summary>
/// The two memories a pipeline touches: the device's (where every stage's inputs and outputs live) and the
/// host's (staging of inputs and landing of final outputs; page-locked on CUDA so copies can use DMA). On the
/// CPU both are plain CPU memory, and the code using them is the same.
/// </summary>
internal sealed class DeviceMemory : IDisposable
{
    private readonly bool _owned;

    private DeviceMemory(OrtMemoryInfo device, OrtMemoryInfo host, OrtAllocator deviceAllocator, OrtAllocator hostAllocator, bool owned)
    {
        Device = device;
        Host = host;
        DeviceAllocator = deviceAllocator;
        HostAllocator = hostAllocator;
        _owned = owned;
    }

    public OrtMemoryInfo Device { get; }

    public OrtMemoryInfo Host { get; }

    public OrtAllocator DeviceAllocator { get; }

    public OrtAllocator HostAllocator { get; }

    /// <summary>True when device and host are the same memory (the CPU).</summary>
    public bool IsHost => !_owned;

    public static DeviceMemory Create(ExecutionDevice device, InferenceSession session)
    {
        if (!device.IsCuda)
        {
            return new DeviceMemory(
                OrtMemoryInfo.DefaultInstance, OrtMemoryInfo.DefaultInstance,
                OrtAllocator.DefaultInstance, OrtAllocator.DefaultInstance, owned: false);
        }

        var deviceInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device.DeviceId, OrtMemType.Default);
        var pinnedInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, device.DeviceId, OrtMemType.CpuOutput);
        return new DeviceMemory(
            deviceInfo, pinnedInfo, new OrtAllocator(session, deviceInfo), new OrtAllocator(session, pinnedInfo), owned: true);
    }

    /// <summary>True when <paramref name="value"/> lives in this device's memory.</summary>
    public bool IsOnDevice(OrtValue value)
    {
        using var info = value.GetTensorMemoryInfo();
        return info.GetDeviceType() == Device.GetDeviceType() && (IsHost || info.Id == Device.Id);
    }

    public void Dispose()
    {
        if (_owned)
        {
            DeviceAllocator.Dispose();
            HostAllocator.Dispose();
            Device.Dispose();
            Host.Dispose();
        }
    }
}
