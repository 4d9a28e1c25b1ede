using PullWorker.GpuCheck.Measuring;

namespace PullWorker.GpuCheck.Reporting;

/// <summary>Everything one self-check run found; written as JSON and as a Markdown table.</summary>
internal sealed record CheckReport(
    string Device,
    string Machine,
    DateTimeOffset StartedAt,
    bool Quick,
    double WindowSeconds,
    double Tolerance,
    long? GpuMemoryBeforeMiB,
    IReadOnlyList<ScenarioReport> Scenarios)
{
    public bool Passed => Scenarios.All(scenario => scenario.Correctness.Passed && scenario.Failures.Count == 0);
}

/// <summary>One pipeline's results; <paramref name="Failures"/> names each batch size that could not be measured, and why.</summary>
internal sealed record ScenarioReport(
    string Name, string Description, CorrectnessReport Correctness, IReadOnlyList<ThroughputRow> Throughput, IReadOnlyList<string> Failures);

/// <summary>
/// The engine's outputs for <paramref name="Items"/> items against a CPU run of the same items: the worst difference
/// scaled by each output's largest value (<see cref="Measuring.Tolerance"/>), and the copies of the last batch.
/// </summary>
internal sealed record CorrectnessReport(int Items, double WorstScaledError, bool Passed, EngineCopies CopiesPerBatch, string? Problem);

/// <summary>
/// One batch size: the engine (items submitted one by one, batched by it) against raw IoBinding runs of whole
/// batches, without and with CUDA graphs. A null rate is not applicable or failed; its note says which. The raw runs'
/// outputs are compared with a CPU run of the same batch too (their worst scaled errors).
/// </summary>
internal sealed record ThroughputRow(
    int BatchSize,
    double EngineItemsPerSecond,
    EngineCopies EngineCopiesPerBatch,
    double RawItemsPerSecond,
    double RawWorstScaledError,
    double? RawCudaGraphItemsPerSecond,
    double? RawCudaGraphWorstScaledError,
    string? RawCudaGraphNote,
    long? GpuMemoryUsedMiB,
    double Tolerance)
{
    public double EngineToRaw => EngineItemsPerSecond / RawItemsPerSecond;

    /// <summary>False when a raw run computed something else than the CPU (its rate then means little).</summary>
    public bool RawOutputsMatch => RawWorstScaledError <= Tolerance && (RawCudaGraphWorstScaledError ?? 0) <= Tolerance;
}
