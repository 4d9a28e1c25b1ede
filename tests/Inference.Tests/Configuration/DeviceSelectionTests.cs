using Microsoft.Extensions.Logging;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Devices;
using PullWorker.Inference.Tests.Support;

namespace PullWorker.Inference.Tests.Configuration;

public sealed class DeviceSelectionTests
{
    private static readonly string[] CpuOnly = ["CPUExecutionProvider"];

    [Test]
    public void Cuda_ProviderMissing_ThrowsOneLineSayingHowToFix()
    {
        using var logs = new ListLoggerFactory();
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelector.Select(DeviceKind.Cuda, 0, CpuOnly, logs.CreateLogger("t")));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Pipeline:Device=cuda but this ONNX Runtime build has no CUDAExecutionProvider"));
            Assert.That(error.Message, Does.Contain("-p:OnnxRuntimeFlavor=Gpu").And.Contain("NVIDIA GPU"));
            Assert.That(error.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public void Auto_ProviderMissing_FallsBackToCpuAndLogsTheChoice()
    {
        using var logs = new ListLoggerFactory();
        var device = DeviceSelector.Select(DeviceKind.Auto, 0, CpuOnly, logs.CreateLogger("t"));
        Assert.Multiple(() =>
        {
            Assert.That(device, Is.EqualTo(ExecutionDevice.Cpu));
            Assert.That(logs.Entries.Select(e => e.Message), Has.One.StartsWith("Inference device: cpu (Pipeline:Device=auto"));
        });
    }

    [Test]
    public void Auto_ProviderPresent_ChoosesCudaWithDeviceId()
    {
        using var logs = new ListLoggerFactory();
        var device = DeviceSelector.Select(DeviceKind.Auto, 1, ["CUDAExecutionProvider", "CPUExecutionProvider"], logs.CreateLogger("t"));
        Assert.That(device.ToString(), Is.EqualTo("cuda:1"));
    }

    [Test]
    public void Create_CudaOnThisCpuBuild_FailsWithDeviceUnavailable()
    {
        var options = Pipelines.Of(ModelFiles.TinyMlp);
        options.Device = DeviceKind.Cuda;
        Assert.That(() => InferenceEngine.Create(options, new BatchingOptions()), Throws.InstanceOf<DeviceUnavailableException>());
    }
}
