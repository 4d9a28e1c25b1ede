namespace PullWorker.Bench.Layouts;

/// <summary>Part 7: the worker's CPU and Class A writes per job in each result layout, over the same drained backlog.</summary>
internal sealed record LayoutCostResult(int Jobs, int MaxBatchSize, IReadOnlyList<LayoutRun> Runs);

/// <summary>One layout: the worker process's CPU (utime + stime) from ready until every job was acked.</summary>
internal sealed record LayoutRun(
    string Layout, long JobsDone, double Seconds, double JobsPerSecond, double CpuSeconds, double CpuMicrosecondsPerJob, int Objects)
{
    /// <summary>Result lines (jobs) per object written: 1 in the object layout.</summary>
    public double JobsPerObject => Objects == 0 ? 0 : (double)JobsDone / Objects;

    /// <summary>Class A operations (object creates) per job.</summary>
    public double ClassAPerJob => JobsDone == 0 ? 0 : (double)Objects / JobsDone;
}
