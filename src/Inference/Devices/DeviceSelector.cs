using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;

namespace PullWorker.Inference.Devices;

/// <summary>Turns <c>Pipeline:Device</c> into a device, from the execution providers the native library has.</summary>
public static partial class DeviceSelector
{
    /// <summary>ONNX Runtime's name of the CUDA execution provider.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Selects from the providers of the ONNX Runtime build this process loaded.</summary>
    public static ExecutionDevice Select(DeviceKind requested, int deviceId, ILogger logger) =>
        Select(requested, deviceId, OrtEnv.Instance().GetAvailableProviders(), logger);

    /// <summary>Selects from <paramref name="availableProviders"/> (testable without a GPU).</summary>
    /// <exception cref="DeviceUnavailableException"><c>cuda</c> was requested and the provider is missing.</exception>
    public static ExecutionDevice Select(
        DeviceKind requested, int deviceId, IReadOnlyCollection<string> availableProviders, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(availableProviders);
        var hasCuda = availableProviders.Contains(CudaProvider);
        switch (requested)
        {
            case DeviceKind.Cpu:
                LogChosen(logger, "cpu", "Pipeline:Device=cpu");
                return ExecutionDevice.Cpu;
            case DeviceKind.Cuda when hasCuda:
                LogChosen(logger, $"cuda:{deviceId}", "Pipeline:Device=cuda");
                return ExecutionDevice.Cuda(deviceId);
            case DeviceKind.Cuda:
                throw new DeviceUnavailableException(CudaMissingMessage(availableProviders));
            case DeviceKind.Auto when hasCuda:
                LogChosen(logger, $"cuda:{deviceId}", "Pipeline:Device=auto and the CUDA provider is present; cpu if this machine cannot use it");
                return ExecutionDevice.Cuda(deviceId);
            case DeviceKind.Auto:
                LogChosen(logger, "cpu", "Pipeline:Device=auto and this ONNX Runtime build has no CUDA provider");
                return ExecutionDevice.Cpu;
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "must be auto, cpu or cuda");
        }
    }

    /// <summary>The one-line error for <c>cuda</c> on a build or machine without the provider.</summary>
    internal static string CudaMissingMessage(IReadOnlyCollection<string> availableProviders) =>
        $"Pipeline:Device=cuda but this ONNX Runtime build has no {CudaProvider} (it has: " +
        $"{string.Join(", ", availableProviders)}); build with -p:OnnxRuntimeFlavor=Gpu and run on a machine with an " +
        "NVIDIA GPU, driver R580 or newer, CUDA 13 and cuDNN 9, or set Pipeline:Device=auto or cpu";

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference device: {Device} ({Reason})")]
    private static partial void LogChosen(ILogger logger, string device, string reason);
}
