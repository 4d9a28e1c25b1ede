
namespace PullWorker.Worker.Tests.Hostile;

/// <summary>One reading of this process's memory; the live managed heap is measured on every tenth reading only.</summary>
internal readonly record struct MemorySample(long WorkingSetBytes, long? LiveHeapBytes);

/// <summary>
/// Samples the process's working set at a fixed interval until stopped, and every tenth time the live managed heap:
/// the heap after a full collection, since without one the figure is mostly garbage (10 MB messages sit in the large
/// object heap until a gen 2 collection) and shows no trend.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly List<MemorySample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private bool _stopped;

    public MemorySampler(TimeSpan interval, TimeProvider time) => _sampling = SampleAsync(interval, time);

    /// <summary>The managed heap still reachable now, after a full collection.</summary>
    public static long LiveHeapBytes() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>Stops sampling, takes a last reading with the live heap, and returns the samples in order.</summary>
    public async Task<IReadOnlyList<MemorySample>> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        lock (_samples)
        {
            if (!_stopped)
            {
                _stopped = true;
                _samples.Add(new MemorySample(process.WorkingSet64, LiveHeapBytes()));
            }

            return [.. _samples];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        try
        {
            var count = 0;
            do
            {
                process.Refresh();
                var workingSet = process.WorkingSet64;
                var sample = new MemorySample(workingSet, count++ % 10 == 0 ? LiveHeapBytes() : null);
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
