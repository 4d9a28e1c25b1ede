using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using PullWorker.GpuCheck.Scenarios;
using PullWorker.Inference.Devices;

namespace PullWorker.GpuCheck;

/// <summary>The command line: options, then the check; exit 0 when every output matched, 2 when one did not, 1 on a setup problem.</summary>
internal static class GpuCheckCommand
{
    public const int Passed = 0;
    public const int SetupProblem = 1;
    public const int CheckFailed = 2;

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var device = new Option<string>("--device")
        {
            Description = "cpu or cuda: where the engine runs (the reference is always a CPU run)",
            DefaultValueFactory = _ => "cpu",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var deviceId = new Option<int>("--device-id") { Description = "CUDA device ordinal", DefaultValueFactory = _ => 0 };
        var outputFolder = new Option<string>("--out") { Description = "Folder for gpucheck.json and gpucheck.md", Required = true };
        var quick = new Option<bool>("--quick") { Description = "Small MLP, batch sizes 1 and 8, 0.2 s windows: the CI run" };
        var batchSizes = new Option<int[]>("--batch-sizes")
        {
            Description = "Batch sizes to measure (default 1 8 32 128 256; with --quick 1 8)",
            AllowMultipleArgumentsPerToken = true,
        };
        batchSizes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int[]>() is { } sizes && sizes.Any(size => size is < 1 or > 4096))
            {
                result.AddError("--batch-sizes: each size must be 1 to 4096");
            }
        });
        var windowSeconds = new Option<double?>("--window")
        {
            Description = "Seconds each throughput measurement runs (default 2; with --quick 0.2)",
        };

        var command = new RootCommand(
            "GPU self-check of the inference engine: outputs against a CPU run, host/device copies per batch, and " +
            "throughput against raw InferenceSession.Run with IoBinding (with and without CUDA graphs on a GPU).")
        {
            device, deviceId, outputFolder, quick, batchSizes, windowSeconds,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new CheckSettings(
                parse.GetValue(device) == "cuda",
                parse.GetValue(deviceId),
                Path.GetFullPath(parse.GetValue(outputFolder)!),
                isQuick,
                parse.GetValue(batchSizes) is { Length: > 0 } sizes ? sizes : isQuick ? CheckSettings.QuickBatchSizes : CheckSettings.FullBatchSizes,
                parse.GetValue(windowSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : isQuick ? CheckSettings.QuickWindow : CheckSettings.FullWindow);
            return await RunAsync(settings, output, error, cancellationToken);
        });
        return command;
    }

    public static Task<int> RunAsync(CheckSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(settings, CheckScenarios.All(settings?.Quick ?? false), output, error, cancellationToken);

    public static async Task<int> RunAsync(
        CheckSettings settings, IReadOnlyList<CheckScenario> scenarios, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var report = await SelfCheck.RunAsync(settings, scenarios, output, cancellationToken);
            await output.WriteLineAsync($"{(report.Passed ? "PASSED" : "FAILED")}: report in {settings.OutputFolder}");
            return report.Passed ? Passed : CheckFailed;
        }
        catch (DeviceUnavailableException e)
        {
            await error.WriteLineAsync(
                $"gpucheck: --device {settings.DeviceName}: {e.Message.ReplaceLineEndings(" ")} " +
                "(on a GPU machine without .NET: bench/GpuCheck/pack.sh, then run.sh, which finds CUDA 13 and cuDNN 9)");
            return SetupProblem;
        }
        catch (OnnxRuntimeException e) when (settings.Cuda)
        {
            await error.WriteLineAsync(
                $"gpucheck: --device cuda: ONNX Runtime could not use the GPU ({e.Message.ReplaceLineEndings(" ")}); " +
                "LD_LIBRARY_PATH must reach CUDA 13 and cuDNN 9 (bench/GpuCheck/run.sh sets it from Python's nvidia-* packages)");
            return SetupProblem;
        }
    }
}
