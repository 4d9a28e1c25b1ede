namespace PullWorker.Inference.Configuration;

/// <summary>The dynamic batcher (configuration section <c>Batching</c>).</summary>
public sealed class BatchingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Batching";

    /// <summary>Hard cap on items per batch. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long a partial batch may wait for more items once the device is free, counted from its oldest item's
    /// arrival. Default 0: as in Triton, a free device takes whatever is queued at once.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.Zero;
}
