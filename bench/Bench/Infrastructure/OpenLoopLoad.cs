using System.Diagnostics;

namespace PullWorker.Bench.Infrastructure;

/// <summary>
/// Offers jobs at a constant mean rate whatever the system does (Poisson arrivals, seeded), as independent users
/// would. Latency runs from each job's scheduled arrival to its completion, so a late dispatch or a full queue
/// counts against the system under test (no coordinated omission).
/// </summary>
internal static class OpenLoopLoad
{
    /// <param name="start">Starts job <c>i</c> and returns when it is complete.</param>
    public static async Task<OpenLoopResult> RunAsync(
        double jobsPerSecond, TimeSpan duration, int seed, Func<int, Task> start, CancellationToken cancellationToken)
    {
        var schedule = PoissonSchedule(jobsPerSecond, duration, seed);
        var latencies = new double[schedule.Length];
        var jobs = new Task[schedule.Length];
        var origin = Stopwatch.GetTimestamp();

        // A dedicated thread dispatches, so arrivals do not wait for the thread pool the system under test uses.
        var dispatcher = new Thread(() =>
        {
            for (var i = 0; i < schedule.Length && !cancellationToken.IsCancellationRequested; i++)
            {
                var due = schedule[i];
                while (Stopwatch.GetElapsedTime(origin).TotalSeconds < due)
                {
                    Thread.Sleep(1);
                }

                jobs[i] = TimeAsync(i, due);
            }
        })
        { IsBackground = true, Name = "open-loop dispatcher" };
        dispatcher.Start();
        await Task.Run(dispatcher.Join, cancellationToken);
        await Task.WhenAll(jobs.Where(job => job is not null));
        var elapsed = Stopwatch.GetElapsedTime(origin);
        return new OpenLoopResult(jobsPerSecond, schedule.Length / elapsed.TotalSeconds, LatencySummary.Of(latencies));

        async Task TimeAsync(int index, double dueSeconds)
        {
            await start(index);
            latencies[index] = (Stopwatch.GetElapsedTime(origin).TotalSeconds - dueSeconds) * 1000;
        }
    }

    /// <summary>Arrival times in seconds: exponential gaps with the given mean rate.</summary>
    private static double[] PoissonSchedule(double jobsPerSecond, TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        var times = new List<double>();
        for (var t = 0.0; ; )
        {
            t += -Math.Log(1 - random.NextDouble()) / jobsPerSecond;
            if (t >= duration.TotalSeconds)
            {
                return [.. times];
            }

            times.Add(t);
        }
    }
}

/// <summary>One open-loop run: the offered rate, the rate jobs were completed at, and their latencies.</summary>
internal sealed record OpenLoopResult(double OfferedPerSecond, double CompletedPerSecond, LatencySummary Latency);
