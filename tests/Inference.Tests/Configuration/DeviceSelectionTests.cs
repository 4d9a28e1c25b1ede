using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.ML.OnnxRuntime;
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
        var error = Assert.Throws<DeviceUnavailableException>(() => DeviceSelector.Select(DeviceKind.Cuda, 0, CpuOnly, new FakeLogger()));
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
        var logger = new FakeLogger();
        var device = DeviceSelector.Select(DeviceKind.Auto, 0, CpuOnly, logger);
        Assert.Multiple(() =>
        {
            Assert.That(device, Is.EqualTo(ExecutionDevice.Cpu));
            Assert.That(logger.Collector.GetSnapshot().Select(e => e.Message), Has.One.StartsWith("Inference device: cpu (Pipeline:Device=auto"));
        });
    }

    [Test]
    public void Auto_ProviderPresent_ChoosesCudaWithDeviceId()
    {
        var device = DeviceSelector.Select(DeviceKind.Auto, 1, ["CUDAExecutionProvider", "CPUExecutionProvider"], new FakeLogger());
        Assert.That(device.ToString(), Is.EqualTo("cuda:1"));
    }

    [Test]
    public void Create_CudaOnMachineWithoutGpu_FailsWithOneLineNamingWhatCudaNeeds()
    {
        // This build carries the CUDA provider (the GPU package), but this machine has no driver or CUDA 13 libraries.
        Assume.That(OrtEnv.Instance().GetAvailableProviders(), Does.Contain(DeviceSelector.CudaProvider));
        var options = Pipelines.Of(ModelFiles.TinyMlp);
        options.Device = DeviceKind.Cuda;

        var error = Assert.Throws<DeviceUnavailableException>(() => InferenceEngine.Create(options, new BatchingOptions()));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Pipeline:Device=cuda but the CUDA provider cannot be used on this machine"));
            Assert.That(error.Message, Does.Contain("driver R580 or newer, CUDA 13 and cuDNN 9"));
            Assert.That(error.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public async Task Create_AutoOnMachineWithoutGpu_FallsBackToCpuWithWarning()
    {
        Assume.That(OrtEnv.Instance().GetAvailableProviders(), Does.Contain(DeviceSelector.CudaProvider));
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = new LoggerFactory([logs]);
        var options = Pipelines.Of(ModelFiles.TinyMlp);
        options.Device = DeviceKind.Auto;

        await using var engine = InferenceEngine.Create(options, new BatchingOptions(), loggerFactory);
        Assert.Multiple(() =>
        {
            Assert.That(engine.Device, Is.EqualTo(ExecutionDevice.Cpu));
            Assert.That(
                logs.Collector.GetSnapshot().Where(e => e.Level == LogLevel.Warning).Select(e => e.Message),
                Has.One.StartsWith("CUDA provider present but unusable").And.Contains("Pipeline:Device=auto falls back to cpu"));
        });
    }
}
