namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// Whole-second processing times between 10 and 600 s (the service's ack-deadline range), as in
/// nodejs-pubsub's histogram, but with percentiles computed over buckets in order. Thread-safe.
/// </summary>
internal sealed class ProcessingTimeHistogram
{
    public const int MinSeconds = 10;
    public const int MaxSeconds = 600;

    private readonly long[] _counts = new long[MaxSeconds + 1];
    private readonly Lock _lock = new();
    private long _total;

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    public void Record(TimeSpan processingTime)
    {
        var seconds = (int)Math.Clamp(Math.Ceiling(processingTime.TotalSeconds), MinSeconds, MaxSeconds);
        lock (_lock)
        {
            _counts[seconds]++;
            _total++;
        }
    }

    /// <summary>The smallest bucket at or below which <paramref name="percent"/>% of samples fall; null when empty.</summary>
    public TimeSpan? Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        lock (_lock)
        {
            if (_total == 0)
            {
                return null;
            }

            var rank = (long)Math.Ceiling(_total * percent / 100);
            long seen = 0;
            for (var seconds = MinSeconds; seconds <= MaxSeconds; seconds++)
            {
                seen += _counts[seconds];
                if (seen >= rank)
                {
                    return TimeSpan.FromSeconds(seconds);
                }
            }

            return TimeSpan.FromSeconds(MaxSeconds);
        }
    }
}
