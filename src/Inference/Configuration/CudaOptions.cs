namespace PullWorker.Inference.Configuration;

/// <summary>CUDA execution provider settings (<c>Pipeline:Cuda</c>), set on purpose rather than left to defaults.</summary>
public sealed class CudaOptions
{
    /// <summary>
    /// <c>cudnn_conv_algo_search</c>: <c>EXHAUSTIVE</c>, <c>HEURISTIC</c> or <c>DEFAULT</c>. Default
    /// <c>EXHAUSTIVE</c>: it benchmarks convolution algorithms once per input shape, which is affordable because
    /// batches are padded to a few bucket sizes, all warmed up before the worker reports ready.
    /// </summary>
    public string ConvAlgoSearch { get; set; } = "EXHAUSTIVE";

    /// <summary>
    /// <c>arena_extend_strategy</c>: <c>kSameAsRequested</c> or <c>kNextPowerOfTwo</c>. Default
    /// <c>kSameAsRequested</c>: several sessions share one GPU, and power-of-two growth wastes memory.
    /// </summary>
    public string ArenaExtendStrategy { get; set; } = "kSameAsRequested";

    /// <summary><c>gpu_mem_limit</c> in bytes for each session's arena; 0 = no limit. Default 0.</summary>
    public long MemoryLimitBytes { get; set; }

    internal static readonly string[] ConvAlgoSearchValues = ["EXHAUSTIVE", "HEURISTIC", "DEFAULT"];

    internal static readonly string[] ArenaExtendStrategyValues = ["kSameAsRequested", "kNextPowerOfTwo"];
}
