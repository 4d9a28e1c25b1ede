namespace PullWorker.Worker.Tests.Hostile;

/// <summary>The peak of a run's memory samples, and the managed heap's median in its first and last thirds.</summary>
internal readonly record struct MemoryTrend(long PeakWorkingSet, long FirstThirdHeapMedian, long LastThirdHeapMedian)
{
    public static MemoryTrend Of(IReadOnlyList<MemorySample> samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples.Count, 3);
        var third = samples.Count / 3;
        return new MemoryTrend(
            samples.Max(s => s.WorkingSetBytes),
            Median(samples.Take(third)),
            Median(samples.Skip(samples.Count - third)));
    }

    private static long Median(IEnumerable<MemorySample> samples)
    {
        var heaps = samples.Select(s => s.ManagedHeapBytes).Order().ToList();
        return heaps[heaps.Count / 2];
    }
}
