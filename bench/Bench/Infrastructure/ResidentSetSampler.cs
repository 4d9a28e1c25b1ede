using System.Diagnostics;
using System.Globalization;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// Samples a process's resident set size (VmRSS from /proc, the working set .NET reports) at a fixed interval on
/// a background task, so a phase's peak is known even after the process has given memory back.
/// </summary>
internal sealed class ResidentSetSampler : IAsyncDisposable
{
    private readonly int _processId;
    private readonly List<MemorySample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly long _started = Stopwatch.GetTimestamp();

    public ResidentSetSampler(int processId, TimeSpan interval)
    {
        _processId = processId;
        _sampling = SampleAsync(interval, _stop.Token);
    }

    public static ResidentSetSampler ForThisProcess(TimeSpan interval) => new(Environment.ProcessId, interval);

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public double PeakMegabytes => Samples.Select(s => s.ResidentMegabytes).DefaultIfEmpty(double.NaN).Max();

    /// <summary>VmRSS of a process in MB, or null once it has exited.</summary>
    public static double? ReadResidentMegabytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kilobytes / 1024.0;
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            if (ReadResidentMegabytes(_processId) is { } megabytes)
            {
                lock (_samples)
                {
                    _samples.Add(new MemorySample(Stopwatch.GetElapsedTime(_started).TotalSeconds, megabytes));
                }
            }
        }
        while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
