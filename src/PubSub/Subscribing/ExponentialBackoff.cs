namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// Exponential backoff with "equal jitter": each delay is drawn from [d/2, d] where d grows by the
/// multiplier up to the maximum, so reconnecting clients spread out without ever retrying at once.
/// Not thread-safe: one per retry loop.
/// </summary>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private readonly double _multiplier;
    private readonly Func<double> _random;

    public ExponentialBackoff(TimeSpan initial, TimeSpan maximum, double multiplier = 2, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(multiplier, 1);
        _initial = initial;
        _maximum = maximum;
        _multiplier = multiplier;
        _random = random ?? Random.Shared.NextDouble;
        Ceiling = initial;
    }

    /// <summary>The upper bound of the next delay.</summary>
    public TimeSpan Ceiling { get; private set; }

    public TimeSpan Next()
    {
        var delay = Ceiling * (0.5 + (_random() / 2));
        var grown = Ceiling * _multiplier;
        Ceiling = grown > _maximum ? _maximum : grown;
        return delay;
    }

    /// <summary>Back to the initial delay, after a success.</summary>
    public void Reset() => Ceiling = _initial;
}
