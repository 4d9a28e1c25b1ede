using System.Diagnostics;
using System.Globalization;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// The worker process SIGKILLed at seeded random moments and restarted each time, as Spot VMs vanish without
/// warning: every job still ends with exactly one result, equal to a direct run, and nothing is left unacked.
/// </summary>
[TestFixture]
public sealed class ChaosLoopTests
{
    /// <summary>
    /// Writes take a while, so a kill often lands with writes in flight, and a worker (eight messages in flight)
    /// does about 80 jobs/s: slow enough that the kills land spread over the run rather than after it.
    /// </summary>
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(100);

    /// <summary>Messages a worker handles at once (<c>FlowControl:MaxOutstandingMessages</c>).</summary>
    private const int InFlight = 8;

    /// <summary>Results a restarted worker writes before it may be killed.</summary>
    private const int MinimumRunBeforeKill = 150;

    /// <summary>
    /// The lease the workers here ask for (<c>Subscriber:AckDeadline</c>, also sent as the stream's deadline): what a
    /// killed worker held lapses once the emulator's clock has moved past it.
    /// </summary>
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(10);

    /// <summary>About 15 s on two cores: what each kill leaves leased lapses by a skip of the emulator's clock.</summary>
    [Test]
    [CancelAfter(150_000)]
    public Task Worker_SigkilledThreeTimesOverSixHundredJobs_EveryJobDoneExactlyOnce(CancellationToken cancellationToken) =>
        RunAsync(jobs: 600, kills: 3, seed: 901, cancellationToken);

    /// <summary>The numbers, about 3 min: <c>dotnet test tests/Worker.Tests --filter Category=Slow</c>.</summary>
    [Test]
    [Category("Slow")]
    [CancelAfter(1_200_000)]
    public Task Worker_SigkilledTenTimesOverTenThousandJobs_EveryJobDoneExactlyOnce(CancellationToken cancellationToken) =>
        RunAsync(jobs: 10_000, kills: 10, seed: 902, cancellationToken);

    private static async Task RunAsync(int jobs, int kills, int seed, CancellationToken cancellationToken)
    {
        await using var emulatorClock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("chaos", cancellationToken, emulatorClock.Time);
        var published = await PublishedJobs.PublishAsync(deployment, jobs, seed, malformed: true, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        var environment = WorkerEnvironments.Process(deployment, model.Path);
        environment["FlowControl__MaxOutstandingMessages"] = InFlight.ToString(CultureInfo.InvariantCulture);
        environment["Subscriber__AckDeadline"] = AckDeadline.ToString("c", CultureInfo.InvariantCulture);
        environment["Subscriber__AckExtensionWindow"] = "00:00:05";
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        var stopwatch = Stopwatch.StartNew();
        var random = new Random(seed);
        foreach (var killAt in KillPoints(jobs, kills, random))
        {
            await using var worker = WorkerProcess.Start(environment);
            await deployment.WaitForResultsAsync(killAt, cancellationToken);

            // The moment within the pipeline is random too: mid-decode, mid-batch, mid-write or mid-ack.
            await Task.Delay(random.Next(0, 500), cancellationToken);
            worker.Kill();
            await worker.WaitForExitAsync(cancellationToken);
            var atKill = deployment.Emulator.PubSub.GetStats(deployment.Subscription);

            // No worker is alive, so every lease still open is the dead one's: the emulator's clock moves past them
            // and Pub/Sub makes those messages deliverable again, as it would have after the lease in real time.
            await emulatorClock.SkipOnceStreamsEndAsync(deployment, liveStreams: 0, AckDeadline + TimeSpan.FromSeconds(1), cancellationToken);
            await deployment.WaitForStatsAsync(s => s.Outstanding == 0, cancellationToken);
            await TestContext.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{stopwatch.Elapsed.TotalSeconds:F1} s: SIGKILL after {deployment.Results().Count} results; {atKill}"));
        }

        await using var last = WorkerProcess.Start(environment);

        // SIGTERM before the host has started would end the process the default way (143), not by a drain.
        await last.WaitForOutputAsync(line => line.Contains("Application started", StringComparison.Ordinal), cancellationToken);
        var (results, stats) = await published.WaitUntilDoneAsync(deployment, cancellationToken);
        var elapsed = stopwatch.Elapsed;
        await last.TerminateAsync(cancellationToken);
        var exitCode = await last.WaitForExitAsync(cancellationToken);
        await TestContext.Out.WriteLineAsync(published.Summary(stats, elapsed, results));

        published.AssertEachDoneExactlyOnce(deployment, $"{kills} SIGKILLs");
        Assert.Multiple(() =>
        {
            Assert.That(stats.Expired, Is.GreaterThan(0), "kills landed while the worker held leases, which lapsed and were redelivered");
            Assert.That(results.Values.Count(r => r.DeliveryAttempt > 1), Is.GreaterThan(0), "some jobs finished on a later delivery");
            Assert.That(exitCode, Is.Zero, $"the last worker drains and exits 0\n{last.Transcript()}");
        });
    }

    /// <summary>
    /// The result counts at which to kill: one random point in each of <paramref name="kills"/> equal slices of 5-90%
    /// of the jobs, at least <see cref="MinimumRunBeforeKill"/> into its slice, so every restarted worker does some
    /// work before it dies (and the last one has some left).
    /// </summary>
    private static List<int> KillPoints(int jobs, int kills, Random random)
    {
        var first = jobs / 20;
        var slice = ((jobs * 9 / 10) - first) / kills;
        Assert.That(slice, Is.GreaterThan(MinimumRunBeforeKill), "too many kills for the jobs");
        return [.. Enumerable.Range(0, kills).Select(k => first + (k * slice) + random.Next(MinimumRunBeforeKill, slice))];
    }
}
