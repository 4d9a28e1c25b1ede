using System.Diagnostics;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// A fixed number of callers, each starting its next job when its last completes (like Locust users): measures
/// capacity, and latency under a given concurrency.
/// </summary>
internal static class ClosedLoopLoad
{
    /// <summary>Jobs per second completed by <paramref name="callers"/> callers over <paramref name="window"/>, after a warm-up.</summary>
    public static async Task<double> JobsPerSecondAsync(
        int callers, TimeSpan warmUp, TimeSpan window, Func<int, Task> run, CancellationToken cancellationToken)
    {
        await RunAsync(callers, warmUp, run, cancellationToken);
        return (await RunAsync(callers, window, run, cancellationToken)).JobsPerSecond;
    }

    /// <summary>Runs the callers for <paramref name="window"/>; every job's latency is kept.</summary>
    public static async Task<ClosedLoopResult> RunAsync(int callers, TimeSpan window, Func<int, Task> run, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(
            async () =>
            {
                var latencies = new List<double>();
                for (var i = caller; Stopwatch.GetElapsedTime(started) < window; i += callers)
                {
                    var jobStarted = Stopwatch.GetTimestamp();
                    await run(i);
                    latencies.Add(Stopwatch.GetElapsedTime(jobStarted).TotalMilliseconds);
                }

                return latencies;
            },
            cancellationToken)));
        var all = perCaller.SelectMany(l => l).ToArray();
        return new ClosedLoopResult(callers, all.Length / Stopwatch.GetElapsedTime(started).TotalSeconds, LatencySummary.Of(all));
    }
}

/// <summary>One closed-loop run: callers, completed jobs/s, latencies.</summary>
internal sealed record ClosedLoopResult(int Callers, double JobsPerSecond, LatencySummary Latency);
