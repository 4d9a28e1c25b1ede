namespace PullWorker.Bench.Batching;

/// <summary>
/// Part 3: closed-loop throughput per <c>MaxBatchSize</c>, and latency at one fixed offered load per
/// (<c>MaxBatchSize</c>, <c>MaxDelay</c>).
/// </summary>
internal sealed record BatchingResult(
    double OfferedPerSecond, IReadOnlyList<BatchSizeCapacity> Capacities, IReadOnlyList<BatchingPoint> Points,
    int ChosenMaxBatchSize, double ChosenMaxDelayMilliseconds, string Rule);

internal sealed record BatchSizeCapacity(int MaxBatchSize, double JobsPerSecond, double MeanBatchSize);

internal sealed record BatchingPoint(
    int MaxBatchSize, double MaxDelayMilliseconds, double CompletedPerSecond, double MeanBatchSize, Infrastructure.LatencySummary Latency);
