namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// Applies a fault every <c>interval</c> until disposed (or at most <c>maxStrikes</c> times), on a tracked task that
/// dispose awaits (and whose failure it rethrows), and counts how often it struck, so a test can prove the fault hit
/// while the work was running.
/// </summary>
internal sealed class FaultLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _strikes;

    private FaultLoop(TimeSpan interval, Action strike, int maxStrikes)
    {
        _running = RunAsync(interval, strike, maxStrikes, _stop.Token);
    }

    public int Strikes => Volatile.Read(ref _strikes);

    public static FaultLoop Start(TimeSpan interval, Action strike, int maxStrikes = int.MaxValue) => new(interval, strike, maxStrikes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, Action strike, int maxStrikes, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (Strikes < maxStrikes && await timer.WaitForNextTickAsync(stop))
            {
                strike();
                Interlocked.Increment(ref _strikes);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
