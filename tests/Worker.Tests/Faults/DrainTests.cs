using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// The worker process told to stop while it holds a full flow-control window: by SIGTERM, or by the metadata
/// server's preemption notice (served by the test). It drains within <c>Shutdown:Grace</c>, exits 0, and nacks what
/// it had not started, which a second worker then gets at once rather than after a lease lapses.
/// </summary>
[TestFixture]
public sealed class DrainTests
{
    private const int Jobs = 1_000;

    /// <summary>Messages the worker may hold (flow control); "peak load" is holding at least three quarters of them.</summary>
    private const int MaxOutstanding = 64;

    /// <summary>Results written before the stop, so the pipeline is warm and running at full speed.</summary>
    private const int ResultsBeforeStop = 100;

    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(50);

    /// <summary>The first worker's lease (<c>Subscriber:AckDeadline</c>), the shortest the client library allows.</summary>
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(10);

    public enum StopCause
    {
        Sigterm,
        Preemption,
    }

    [TestCase(StopCause.Sigterm)]
    [TestCase(StopCause.Preemption)]
    [CancelAfter(120_000)]
    public async Task Worker_StoppedAtPeakLoad_DrainsWithinGraceExitsZeroAndNacksUnstartedWork(StopCause cause, CancellationToken cancellationToken)
    {
        await using var emulatorClock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("drain", cancellationToken, emulatorClock.Time);
        await using var metadata = await MetadataServer.StartAsync(cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, Jobs, seed: 921, malformed: true, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        var environment = WorkerEnvironments.Process(deployment, model.Path);
        environment["GCE_METADATA_HOST"] = metadata.Host;
        environment["FlowControl__MaxOutstandingMessages"] = MaxOutstanding.ToString(CultureInfo.InvariantCulture);

        // Google's client cancels its streams on stop: what the emulator had sent into them unread comes back when
        // its lease lapses, so the shortest lease the client library allows.
        environment["Subscriber__AckDeadline"] = AckDeadline.ToString("c", CultureInfo.InvariantCulture);
        environment["Subscriber__AckExtensionWindow"] = "00:00:05";

        int exitCode;
        TimeSpan drain;
        Emulator.PubSub.SubscriptionStats atStop, atDrain, afterExit;
        bool announcedPreemption;
        await using (var first = WorkerProcess.Start(environment))
        {
            await metadata.WaitUntilWatchedAsync(cancellationToken);
            await deployment.WaitForResultsAsync(ResultsBeforeStop, cancellationToken);
            atStop = await deployment.WaitForStatsAsync(s => s.Outstanding >= MaxOutstanding * 3 / 4, cancellationToken);

            var clock = Stopwatch.StartNew();
            if (cause == StopCause.Sigterm)
            {
                await first.TerminateAsync(cancellationToken);
            }
            else
            {
                metadata.Preempt();
            }

            await first.WaitForOutputAsync(l => l.Contains("Draining within", StringComparison.Ordinal), cancellationToken);
            atDrain = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
            exitCode = await first.WaitForExitAsync(cancellationToken);
            drain = clock.Elapsed;
            afterExit = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
            announcedPreemption = first.Stdout.Any(l => l.Contains("being preempted", StringComparison.Ordinal));
            Assert.That(exitCode, Is.Zero, first.Transcript());
        }

        // What was left in the cancelled streams lapses when the emulator's clock jumps past its lease, rather than
        // the second worker idling for it at the end.
        await emulatorClock.SkipOnceStreamsEndAsync(deployment, liveStreams: 0, AckDeadline + TimeSpan.FromSeconds(1), cancellationToken);

        // The second worker runs in this process: what the first nacked must reach it at once.
        var secondClock = Stopwatch.StartNew();
        await using (var second = WorkerHost.Build([], config => config.AddInMemoryCollection(WorkerEnvironments.Configuration(deployment, model.Path))))
        {
            await second.StartAsync(cancellationToken);
            await published.WaitUntilDoneAsync(deployment, cancellationToken);
            await second.StopAsync(cancellationToken);
        }

        var stats = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
        var results = deployment.Results();
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{cause}: drained in {drain.TotalSeconds:F1} s; at stop {atStop}; at drain start {atDrain}; after exit {afterExit}; second worker finished in {secondClock.Elapsed.TotalSeconds:F1} s; {stats}"));

        // Google's SubscriberClient nacks what it has not started and cancels its streams; messages the emulator sent
        // into them as those nacks freed room were never read and come back only when their lease lapses, at most a
        // flow-control window per stream of them.
        published.AssertEachDoneExactlyOnce(deployment, cause.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(drain, Is.LessThan(WorkerEnvironments.Grace), "drained within Shutdown:Grace");
            Assert.That(afterExit.Outstanding, Is.LessThanOrEqualTo(2 * MaxOutstanding), "at most one window per stream (2) left in the cancelled streams");
            Assert.That(afterExit.Nacked, Is.GreaterThan(atStop.Nacked), "unstarted messages nacked on the way out");
            Assert.That(stats.Expired, Is.LessThanOrEqualTo(afterExit.Outstanding), "only what was left in the cancelled stream lapsed");
            Assert.That(results.Values.Count(r => r.DeliveryAttempt > 1), Is.GreaterThan(0), "the second worker finished what the first nacked");
            Assert.That(announcedPreemption, Is.EqualTo(cause == StopCause.Preemption), "the preemption notice is what stopped it");
        });
    }
}
