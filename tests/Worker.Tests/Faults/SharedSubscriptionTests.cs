using System.Diagnostics;
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

    /// <summary>
    /// Results the victim writes before it is killed: it is then mid-stream, and its first window (leased for 60 s
    /// before it has processing times) is settled, so what it holds lapses after 10 s rather than a minute.
    /// </summary>
    private const int VictimWritesBeforeKill = 200;

    /// <summary>Slow enough writes (eight writers each) that the workers take a few seconds over the jobs.</summary>
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(100);

    [Test]
    [CancelAfter(150_000)]
    public async Task ThreeWorkers_OneSigkilledMidBatch_SurvivorsFinishEveryJobExactlyOnce(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("shared", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, Jobs, seed: 903, malformed: true, cancellationToken);
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = StorageLatency;

        var clock = Stopwatch.StartNew();
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < WorkerCount; i++)
            {
                var environment = WorkerEnvironments.Process(deployment, model.Path).LoggingWrites();
                workers.Add(WorkerProcess.Start(environment));
            }

            var victim = workers[1];
            var written = 0;
            await victim.WaitForOutputAsync(line => IsWrite(line) && ++written >= VictimWritesBeforeKill, cancellationToken);
            var atKill = deployment.Emulator.PubSub.GetStats(deployment.Subscription);
            victim.Kill();
            await victim.WaitForExitAsync(cancellationToken);

            var (results, stats) = await published.WaitUntilDoneAsync(deployment, cancellationToken);
            await TestContext.Out.WriteLineAsync($"at kill: {atKill}; {published.Summary(stats, clock.Elapsed, results)}");
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
                Assert.That(stats.Expired, Is.GreaterThan(0), "the victim's leases lapsed and went to the survivors");
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

    private static bool IsWrite(string line) => line.Contains("Wrote result", StringComparison.Ordinal);
}
