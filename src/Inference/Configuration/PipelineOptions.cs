namespace PullWorker.Inference.Configuration;

/// <summary>
/// The inference pipeline (configuration section <c>Pipeline</c>): ordered stages kept on one device, optional
/// built-in image preprocessing and classification postprocessing, device choice and shape buckets.
/// </summary>
public sealed class PipelineOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Pipeline";

    /// <summary>The user models in order; stage k's outputs feed stage k+1's inputs by name. At least one.</summary>
    public List<StageOptions> Stages { get; set; } = [];

    /// <summary>A copy with other stages and every other setting the same (a property added later is copied too).</summary>
    public PipelineOptions WithStages(List<StageOptions> stages)
    {
        var copy = (PipelineOptions)MemberwiseClone();
        copy.Stages = stages;
        return copy;
    }

    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>. Default <c>auto</c>.</summary>
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>CUDA device ordinal. Default 0.</summary>
    public int DeviceId { get; set; }

    /// <summary>Names of the tensors returned per job (any stage's outputs). Default: the last stage's outputs.</summary>
    public List<string>? Outputs { get; set; }

    /// <summary>Built-in image preprocessing; absent = off.</summary>
    public ImagePreprocessingOptions? Image { get; set; }

    /// <summary>Built-in classification postprocessing; absent = off.</summary>
    public ClassificationOptions? Postprocessing { get; set; }

    /// <summary>
    /// Shape buckets: batches are padded up to the smallest of these sizes, each with preallocated buffers and
    /// bindings, all warmed up before ready. Default: powers of two up to <c>Batching:MaxBatchSize</c> (1, 2, 4,
    /// ..., 32), plus MaxBatchSize itself. The largest must be at least <c>Batching:MaxBatchSize</c>.
    /// </summary>
    public List<int>? BatchSizes { get; set; }

    /// <summary>
    /// Values of symbolic non-batch dimensions of pipeline inputs, by symbol (e.g. <c>Pipeline:SymbolicDims:L=128</c>).
    /// Buffers are preallocated, so each symbol has one value per deployment; jobs must match it. Default: none.
    /// </summary>
    public Dictionary<string, long> SymbolicDims { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Intra-op threads per session on the CPU; 0 = ONNX Runtime's default (one per core). Default 0.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Let idle ONNX Runtime intra-op threads spin-wait for work (lower latency per run, but they take cores from
    /// the worker's other threads). Default false.
    /// </summary>
    public bool IntraOpSpinning { get; set; }

    /// <summary>CUDA provider settings.</summary>
    public CudaOptions Cuda { get; set; } = new();

    /// <summary>The bucket sizes in effect for <paramref name="maxBatchSize"/>, ascending.</summary>
    public IReadOnlyList<int> EffectiveBatchSizes(int maxBatchSize)
    {
        if (BatchSizes is { Count: > 0 } configured)
        {
            return [.. configured.Distinct().Order()];
        }

        var sizes = new SortedSet<int>();
        for (var size = 1; size < maxBatchSize; size *= 2)
        {
            sizes.Add(size);
        }

        sizes.Add(maxBatchSize);
        return [.. sizes];
    }
}
