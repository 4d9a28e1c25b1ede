namespace PullWorker.Bench.Infrastructure;

/// <summary>A process's resident set at one moment, seconds after sampling started.</summary>
internal sealed record MemorySample(double Seconds, double ResidentMegabytes);
