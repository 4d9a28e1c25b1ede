namespace PullWorker.Emulator.PubSub.State;

/// <summary>
/// Ack deadlines and retry backoffs of one subscription, in one min-heap behind one timer on the injected
/// <see cref="TimeProvider"/> (so a fake clock's Advance fires them deterministically). Entries are never
/// removed early: an entry whose version no longer matches its message is skipped when it comes due, and
/// the heap is compacted when such stale entries dominate. Not thread-safe: the owner calls it under its lock.
/// </summary>
internal sealed class DeadlineSchedule : IDisposable
{
    // A timer due "now" could fire inside Change on some providers, re-entering the owner's lock mid-update.
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(1);
    private const int CompactionFloor = 4096;

    private readonly PriorityQueue<Entry, DateTimeOffset> _heap = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;

    public DeadlineSchedule(TimeProvider time, TimerCallback onDue)
    {
        _time = time;
        _timer = time.CreateTimer(onDue, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Add(PendingMessage message, DateTimeOffset due, int liveCount)
    {
        _heap.Enqueue(new Entry(message, message.Version), due);
        if (_heap.Count > CompactionFloor && _heap.Count > 4 * liveCount)
        {
            Compact();
        }

        if (due < _armedFor)
        {
            Arm(due);
        }
    }

    /// <summary>Moves every still-valid entry due by <paramref name="now"/> into <paramref name="due"/>, then re-arms.</summary>
    public void TakeDue(DateTimeOffset now, List<PendingMessage> due)
    {
        _armedFor = DateTimeOffset.MaxValue;
        while (_heap.TryPeek(out var entry, out var at) && at <= now)
        {
            _heap.Dequeue();
            if (entry.IsCurrent)
            {
                due.Add(entry.Message);
            }
        }

        if (_heap.TryPeek(out _, out var next))
        {
            Arm(next);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Arm(DateTimeOffset due)
    {
        _armedFor = due;
        var delay = due - _time.GetUtcNow();
        _timer.Change(delay < MinimumDelay ? MinimumDelay : delay, Timeout.InfiniteTimeSpan);
    }

    private void Compact()
    {
        var live = new List<(Entry, DateTimeOffset)>();
        while (_heap.TryDequeue(out var entry, out var at))
        {
            if (entry.IsCurrent)
            {
                live.Add((entry, at));
            }
        }

        _heap.EnqueueRange(live);
    }

    private readonly record struct Entry(PendingMessage Message, int Version)
    {
        public bool IsCurrent => Message.Version == Version && Message.State is PendingState.Outstanding or PendingState.BackingOff;
    }
}
