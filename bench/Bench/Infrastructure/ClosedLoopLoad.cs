using System.Diagnostics;

namespace PullWorker.Bench.Infrastructure;

/// <summary>A fixed number of callers, each starting its next job when the last completes: measures capacity.</summary>
internal static class ClosedLoopLoad
{
    /// <summary>Jobs per second completed by <paramref name="callers"/> callers over <paramref name="window"/>, after a warm-up.</summary>
    public static async Task<double> JobsPerSecondAsync(
        int callers, TimeSpan warmUp, TimeSpan window, Func<int, Task> run, CancellationToken cancellationToken)
    {
        await RunForAsync(warmUp);
        var (completed, elapsed) = await RunForAsync(window);
        return completed / elapsed.TotalSeconds;

        async Task<(long Completed, TimeSpan Elapsed)> RunForAsync(TimeSpan length)
        {
            long completed = 0;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(
                async () =>
                {
                    for (var i = caller; Stopwatch.GetElapsedTime(started) < length; i += callers)
                    {
                        await run(i);
                        Interlocked.Increment(ref completed);
                    }
                },
                cancellationToken)));
            return (completed, Stopwatch.GetElapsedTime(started));
        }
    }
}
