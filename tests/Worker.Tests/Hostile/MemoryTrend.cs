namespace PullWorker.Worker.Tests.Hostile;

/// <summary>The peak working set of a run, and the live managed heap's median in its first and last thirds.</summary>
internal readonly record struct MemoryTrend(long PeakWorkingSet, long FirstThirdHeapMedian, long LastThirdHeapMedian)
{
    public static MemoryTrend Of(IReadOnlyList<MemorySample> samples)
    {
        var heaps = samples.Where(s => s.LiveHeapBytes.HasValue).Select(s => s.LiveHeapBytes!.Value).ToList();
        ArgumentOutOfRangeException.ThrowIfLessThan(heaps.Count, 2, "live heap readings");

        // A fast run has few readings: then the "thirds" are the first and the last reading.
        var third = Math.Max(1, heaps.Count / 3);
        return new MemoryTrend(samples.Max(s => s.WorkingSetBytes), Median(heaps.Take(third)), Median(heaps.Skip(heaps.Count - third)));
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
