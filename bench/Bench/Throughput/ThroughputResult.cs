namespace PullWorker.Bench.Throughput;

/// <summary>Part 1: the worker end to end against raw <c>InferenceSession.Run</c> on the same batches, per model.</summary>
internal sealed record ThroughputResult(IReadOnlyList<ModelThroughput> Models, int MaxBatchSize, double MaxDelayMilliseconds);

internal sealed record ModelThroughput(string Name, int Jobs, double MeanBatchSize, Measurement EndToEnd, Measurement Raw)
{
    /// <summary>End-to-end jobs/s over raw jobs/s: the share of the model's own speed the worker delivers.</summary>
    public double Ratio => EndToEnd.JobsPerSecond / Raw.JobsPerSecond;
}

/// <summary>One measured phase: rate, CPU time of the process per 1,000 jobs, and its peak resident set.</summary>
internal sealed record Measurement(double Seconds, double JobsPerSecond, double CpuSecondsPer1000Jobs, double PeakWorkingSetMegabytes);
