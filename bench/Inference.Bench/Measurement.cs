namespace PullWorker.Inference.Bench;

/// <summary>
/// One measured window: throughput, the process's CPU time per item (which a busy shared machine distorts much less
/// than throughput: it counts the work done, not the time slices obtained), and the mean executed batch size.
/// </summary>
internal sealed record Measurement(double ItemsPerSecond, double CpuMicrosecondsPerItem, double MeanBatchSize);
