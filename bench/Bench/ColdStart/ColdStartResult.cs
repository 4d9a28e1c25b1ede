namespace PullWorker.Bench.ColdStart;

/// <summary>Part 5: from <c>dotnet PullWorker.Worker.dll</c> being started to ready and to the first result, per run.</summary>
internal sealed record ColdStartResult(string Setup, IReadOnlyList<ColdStartRun> Runs)
{
    public double MedianReadySeconds => Median(Runs.Select(r => r.ReadySeconds));

    public double MedianFirstResultSeconds => Median(Runs.Select(r => r.FirstResultSeconds));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}

/// <summary>
/// Seconds from process start to <c>/readyz</c> answering 200 and to the first result object existing, and the CPU
/// seconds the worker process had used when ready (less sensitive than wall time to other load on the machine).
/// </summary>
internal sealed record ColdStartRun(double ReadySeconds, double FirstResultSeconds, double ReadyCpuSeconds);
