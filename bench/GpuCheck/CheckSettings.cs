using PullWorker.GpuCheck.Measuring;

namespace PullWorker.GpuCheck;

/// <summary>What one run of the self-check does.</summary>
/// <param name="Cuda">Run the engine on CUDA (else on the CPU).</param>
/// <param name="DeviceId">The CUDA device ordinal.</param>
/// <param name="OutputFolder">Where gpucheck.json and gpucheck.md go.</param>
/// <param name="Quick">Small MLP, few items, short windows: the CI run on a CPU.</param>
/// <param name="BatchSizes">The batch sizes throughput is measured at.</param>
/// <param name="Window">How long each throughput measurement runs (after a quarter of it as warm-up).</param>
internal sealed record CheckSettings(bool Cuda, int DeviceId, string OutputFolder, bool Quick, IReadOnlyList<int> BatchSizes, TimeSpan Window)
{
    public static IReadOnlyList<int> FullBatchSizes { get; } = [1, 8, 32, 128, 256];

    public static IReadOnlyList<int> QuickBatchSizes { get; } = [1, 8];

    public static TimeSpan FullWindow { get; } = TimeSpan.FromSeconds(2);

    public static TimeSpan QuickWindow { get; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Items compared with the CPU reference: not a multiple of any bucket, so partial padded batches are checked.</summary>
    public int CorrectnessItems => Quick ? 11 : 37;

    public Tolerance Tolerance => Cuda ? Tolerance.Cuda : Tolerance.Cpu;

    public string DeviceName => Cuda ? $"cuda:{DeviceId}" : "cpu";
}
