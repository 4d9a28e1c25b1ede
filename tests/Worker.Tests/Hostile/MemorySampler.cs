using System.Diagnostics;

namespace PullWorker.Worker.Tests.Hostile;

/// <summary>One reading of this process's memory.</summary>
internal readonly record struct MemorySample(long WorkingSetBytes, long ManagedHeapBytes);

/// <summary>Samples the process's working set and managed heap at a fixed interval until stopped.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly List<MemorySample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public MemorySampler(TimeSpan interval, TimeProvider time) => _sampling = SampleAsync(interval, time);

    /// <summary>Stops sampling and returns the samples in order.</summary>
    public async Task<IReadOnlyList<MemorySample>> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        lock (_samples)
        {
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
        using var process = Process.GetCurrentProcess();
        try
        {
            do
            {
                process.Refresh();
                var sample = new MemorySample(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
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
