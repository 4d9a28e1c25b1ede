namespace PullWorker.Bench.Layouts;

/// <summary>
/// Part 7: the worker's CPU and Class A writes per job in each result layout, over the same drained backlog, and raw
/// <c>InferenceSession.Run</c> CPU per item of the same model at the same batch size, measured in the same run.
/// </summary>
/// <remarks><see cref="Breakdown"/> is present when the part ran with <c>--trace</c>: stage shares in <see cref="TracedLayout"/>.</remarks>
internal sealed record LayoutCostResult(
    int Jobs, int MaxBatchSize, double RawRunMicrosecondsPerItem, IReadOnlyList<LayoutRun> Runs,
    string? TracedLayout = null, IReadOnlyList<StageShare>? Breakdown = null)
{
    /// <summary>Issue 15's targets on the 2-core machine: the worker's CPU per job excluding inference, per layout.</summary>
    public static double TargetMicroseconds(string layout) => layout.StartsWith("batch", StringComparison.Ordinal) ? 80 : 250;

    /// <summary>The worker's own CPU per job: its measured CPU per job less raw inference per item.</summary>
    public double OwnMicrosecondsPerJob(LayoutRun run) => run.CpuMicrosecondsPerJob - RawRunMicrosecondsPerItem;
}

/// <summary>One layout: the worker process's CPU (utime + stime) from ready until every job was acked.</summary>
internal sealed record LayoutRun(
    string Layout, long JobsDone, double Seconds, double JobsPerSecond, double CpuSeconds, double CpuMicrosecondsPerJob, int Objects)
{
    /// <summary>Result lines (jobs) per object written: 1 in the object layout.</summary>
    public double JobsPerObject => Objects == 0 ? 0 : (double)JobsDone / Objects;

    /// <summary>Class A operations (object creates) per job.</summary>
    public double ClassAPerJob => JobsDone == 0 ? 0 : (double)Objects / JobsDone;
}
