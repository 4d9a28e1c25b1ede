namespace PullWorker.Bench.Infrastructure;

/// <summary>Percentiles of a set of latencies, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    /// <summary>The tail against the median: 1 when every job takes the same time.</summary>
    public double P90OverP50 => P50 > 0 ? P90 / P50 : double.NaN;

    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(sorted.Length, sorted.Average(), Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
