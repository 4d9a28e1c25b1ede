using PullWorker.Jobs;
using PullWorker.Jobs.Results;

namespace PullWorker.Tools.Shared;

/// <summary>What a set of result documents says: outcomes, error codes and latencies (publish time -> completedAt).</summary>
public sealed record ResultStatistics(
    int Total,
    int Ok,
    IReadOnlyDictionary<string, int> ErrorsByCode,
    TimeSpan LatencyP50,
    TimeSpan LatencyP90,
    TimeSpan LatencyP99,
    DateTimeOffset FirstPublished,
    DateTimeOffset LastCompleted)
{
    public int Errors => Total - Ok;

    /// <summary>Jobs per second from the first publish to the last result; 0 when that span is empty.</summary>
    public double Throughput
    {
        get
        {
            var span = LastCompleted - FirstPublished;
            return span > TimeSpan.Zero ? Total / span.TotalSeconds : 0;
        }
    }

    public static ResultStatistics From(IReadOnlyCollection<ResultOutline> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var errors = results
            .Where(r => r.Error is not null)
            .GroupBy(r => r.Error!.Code.ToWireName(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var latencies = results.Select(r => r.CompletedAt - r.PublishTime).Order().ToArray();
        return new ResultStatistics(
            results.Count,
            results.Count(r => r.Status == JobStatus.Ok),
            new SortedDictionary<string, int>(errors, StringComparer.Ordinal),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.90),
            Percentile(latencies, 0.99),
            results.Count == 0 ? default : results.Min(r => r.PublishTime),
            results.Count == 0 ? default : results.Max(r => r.CompletedAt));
    }

    /// <summary>Nearest-rank percentile of sorted values (the smallest value with at least that share at or below it).</summary>
    internal static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
