using System.Diagnostics;
using System.Globalization;
using PullWorker.Worker.Options;
using PullWorker.Worker.Tests.EndToEnd;
using PullWorker.Worker.Tests.Process;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// Three worker processes on one subscription, as a MIG scaled to three runs them; one is SIGKILLed while it is
/// writing results. The other two take over its leases once they lapse, and every job is still done exactly once.
/// </summary>
[TestFixture]
public sealed class SharedSubscriptionTests
{
    private const int Jobs = 1_500;
    private const int WorkerCount = 3;

    /// <summary>Results the victim writes before it is killed: it is then mid-stream, holding leases.</summary>
    private const int VictimWritesBeforeKill = 200;

    /// <summary>
    /// The victim's lease (<c>Subscriber:AckDeadline</c>, the shortest Pub/Sub allows), renewed every 5 s: whatever it
    /// held lapses once the emulator's clock has moved a little past it.
    /// </summary>
    private static readonly TimeSpan VictimAckDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The survivors' leases (60 s, the client's default) are renewed when this much is left
    /// (<c>Subscriber:AckExtensionWindow</c>), so no lease of theirs ends within the skip that ends the victim's.
    /// </summary>
    private static readonly TimeSpan SurvivorExtensionWindow = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan Skip = VictimAckDeadline + TimeSpan.FromSeconds(1);

    /// <summary>Slow enough writes (eight writers each) that the workers take a few seconds over the jobs.</summary>
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(100);

    [Test]
    [CancelAfter(150_000)]
    public async Task ThreeWorkers_OneSigkilledMidBatch_SurvivorsFinishEveryJobExactlyOnce(CancellationToken cancellationToken)
    {
        await using var emulatorClock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("shared", cancellationToken, emulatorClock.Time);
        var published = await PublishedJobs.PublishAsync(deployment, Jobs, seed: 903, malformed: true, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        var stopwatch = Stopwatch.StartNew();
        var workers = new List<WorkerProcess>();
        try
        {
            const int victimIndex = 1;
            for (var i = 0; i < WorkerCount; i++)
            {
                var environment = WorkerEnvironments.Process(deployment, model.Path).LoggingWrites();
                if (i == victimIndex)
                {
                    environment["Subscriber__AckDeadline"] = Format(VictimAckDeadline);
                    environment["Subscriber__AckExtensionWindow"] = Format(VictimAckDeadline / 2);
                }
                else
                {
                    environment["Subscriber__AckExtensionWindow"] = Format(SurvivorExtensionWindow);
                }

                workers.Add(WorkerProcess.Start(environment));
            }

            var victim = workers[victimIndex];
            var written = 0;
            await victim.WaitForOutputAsync(line => IsWrite(line) && ++written >= VictimWritesBeforeKill, cancellationToken);
            var atKill = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
            victim.Kill();
            await victim.WaitForExitAsync(cancellationToken);

            // Rather than the survivors idling until the victim's leases lapse in real time, the emulator's clock
            // jumps past them once its streams have ended; the survivors' own leases have more left than the jump.
            var survivorStreams = (WorkerCount - 1) * new SubscriberOptions().ClientCount;
            var afterSkip = await emulatorClock.SkipOnceStreamsEndAsync(deployment, survivorStreams, Skip, cancellationToken);

            var (results, stats) = await published.WaitUntilDoneAsync(deployment, cancellationToken);
            await TestContext.Out.WriteLineAsync($"at kill: {atKill}; after the skip: {afterSkip}; {published.Summary(stats, stopwatch.Elapsed, results)}");
            var survivors = workers.Where(w => w != victim).ToList();
            foreach (var survivor in survivors)
            {
                await survivor.TerminateAsync(cancellationToken);
            }

            var exitCodes = await Task.WhenAll(survivors.Select(s => s.WaitForExitAsync(cancellationToken)));
            var writesByWorker = workers.Select(w => w.Stdout.Count(IsWrite)).ToList();
            await TestContext.Out.WriteLineAsync($"results written by each worker: {string.Join(", ", writesByWorker)}");

            published.AssertEachDoneExactlyOnce(deployment, "three workers, one killed");
            Assert.Multiple(() =>
            {
                Assert.That(atKill.Outstanding, Is.GreaterThan(0), "messages were leased when the victim died");
                Assert.That(afterSkip.Expired, Is.GreaterThan(0), "the victim's leases lapsed and went to the survivors");
                Assert.That(stats.Expired, Is.EqualTo(afterSkip.Expired), "no survivor's lease lapsed");
                Assert.That(writesByWorker, Has.All.GreaterThan(0), "all three workers shared the load");
                Assert.That(exitCodes, Has.All.Zero, "the survivors drain and exit 0");
            });
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static string Format(TimeSpan duration) => duration.ToString("c", CultureInfo.InvariantCulture);

    private static bool IsWrite(string line) => line.Contains("Wrote result", StringComparison.Ordinal);
}
