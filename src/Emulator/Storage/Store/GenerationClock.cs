namespace PullWorker.Emulator.Storage.Store;

/// <summary>
/// Hands out object generations the way Cloud Storage does (microseconds since the Unix epoch) while
/// guaranteeing they strictly increase, even with a frozen fake clock or many writers in the same tick.
/// </summary>
internal sealed class GenerationClock(TimeProvider time)
{
    private long _last;

    public long Next()
    {
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>Makes every later generation exceed one loaded from disk.</summary>
    public void Observe(long generation)
    {
        var last = Interlocked.Read(ref _last);
        while (generation > last)
        {
            var seen = Interlocked.CompareExchange(ref _last, generation, last);
            if (seen == last)
            {
                return;
            }

            last = seen;
        }
    }
}
