using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace PullWorker.Worker.Tests.EndToEnd;

/// <summary>
/// The emulator's clock for tests that must see time pass: it keeps pace with real time (a pump advances a
/// <see cref="FakeTimeProvider"/> every few milliseconds) and can <see cref="Skip"/> ahead, so a lease a killed worker
/// left behind expires now instead of a minute later, and the test proves what happens next without waiting for it.
/// </summary>
internal sealed class SkippableClock : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly FakeTimeProvider _time;
    private readonly DateTimeOffset _start;
    private readonly long _realStart = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private TimeSpan _skipped;

    public SkippableClock()
    {
        _start = DateTimeOffset.UtcNow;
        _time = new FakeTimeProvider(_start);
        _pump = PumpAsync(_stop.Token);
    }

    public TimeProvider Time => _time;

    /// <summary>Jumps ahead by <paramref name="duration"/>, firing every timer that falls due on the way.</summary>
    public void Skip(TimeSpan duration)
    {
        lock (_gate)
        {
            _skipped += duration;
            _time.Advance(duration);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                lock (_gate)
                {
                    var behind = _start + Stopwatch.GetElapsedTime(_realStart) + _skipped - _time.GetUtcNow();
                    if (behind > TimeSpan.Zero)
                    {
                        _time.Advance(behind);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
