namespace PullWorker.Emulator.Storage.Faults;

/// <summary>
/// Test hook: makes the Cloud Storage emulator slow or flaky. Every request first waits
/// <see cref="Latency"/>, then fails if <see cref="FailNext"/> queued a failure or, at random,
/// with probability <see cref="ErrorRate"/>. An injected failure returns Google's JSON error body and
/// changes nothing. Thread-safe; changes apply to the next request.
/// </summary>
public sealed class StorageFaults
{
    private static readonly IReadOnlyList<int> DefaultStatuses = [503, 429];

    private readonly Lock _gate = new();
    private readonly Queue<QueuedFailures> _queued = new();
    private double _errorRate;
    private IReadOnlyList<int> _errorStatuses = DefaultStatuses;
    private TimeSpan _latency;
    private TimeSpan _latencyJitter;
    private int _seed;
    private Random _random = new(0);

    /// <summary>Fraction of requests (0 to 1) that fail with one of <see cref="ErrorStatuses"/>.</summary>
    public double ErrorRate
    {
        get { lock (_gate) { return _errorRate; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            lock (_gate) { _errorRate = value; }
        }
    }

    /// <summary>Statuses a random failure picks from, uniformly; 503 and 429 unless set.</summary>
    public IReadOnlyList<int> ErrorStatuses
    {
        get { lock (_gate) { return _errorStatuses; } }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count == 0)
            {
                throw new ArgumentException("at least one status is needed", nameof(value));
            }

            foreach (var status in value)
            {
                CheckErrorStatus(status, nameof(value));
            }

            lock (_gate) { _errorStatuses = [.. value]; }
        }
    }

    /// <summary>Delay added before every request is handled, measured on the emulator's <see cref="TimeProvider"/>.</summary>
    public TimeSpan Latency
    {
        get { lock (_gate) { return _latency; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate) { _latency = value; }
        }
    }

    /// <summary>
    /// Up to this much more delay, uniformly at random per request: <c>Latency = 20 ms</c> with <c>30 ms</c> of jitter
    /// gives the 20-50 ms a request to Cloud Storage takes from a VM in its region.
    /// </summary>
    public TimeSpan LatencyJitter
    {
        get { lock (_gate) { return _latencyJitter; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate) { _latencyJitter = value; }
        }
    }

    /// <summary>Seeds the random choices, so a run with the same requests fails the same ones.</summary>
    public int Seed
    {
        get { lock (_gate) { return _seed; } }
        set
        {
            lock (_gate)
            {
                _seed = value;
                _random = new Random(value);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/>, after any queued before.</summary>
    public void FailNext(int count, int status)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckErrorStatus(status, nameof(status));
        if (count == 0)
        {
            return;
        }

        lock (_gate) { _queued.Enqueue(new QueuedFailures(status) { Remaining = count }); }
    }

    /// <summary>No latency, no failures, default statuses, seed 0.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _queued.Clear();
            _errorRate = 0;
            _errorStatuses = DefaultStatuses;
            _latency = TimeSpan.Zero;
            _latencyJitter = TimeSpan.Zero;
            _seed = 0;
            _random = new Random(0);
        }
    }

    /// <summary>Decides the fate of one request: its delay and the status it fails with, if any.</summary>
    internal (TimeSpan Latency, int? FailWith) NextRequest()
    {
        lock (_gate)
        {
            var latency = _latencyJitter > TimeSpan.Zero ? _latency + (_latencyJitter * _random.NextDouble()) : _latency;
            if (_queued.TryPeek(out var queued))
            {
                if (--queued.Remaining == 0)
                {
                    _queued.Dequeue();
                }

                return (latency, queued.Status);
            }

            if (_errorRate > 0 && _random.NextDouble() < _errorRate)
            {
                return (latency, _errorStatuses[_random.Next(_errorStatuses.Count)]);
            }

            return (latency, null);
        }
    }

    private static void CheckErrorStatus(int status, string parameter)
    {
        if (status is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(parameter, status, "an injected failure needs a 4xx or 5xx status");
        }
    }

    private sealed class QueuedFailures(int status)
    {
        public int Status { get; } = status;

        public int Remaining { get; set; }
    }
}
