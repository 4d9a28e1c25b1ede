using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using PullWorker.Worker.Hosting;
using PullWorker.Worker.Options;
using PullWorker.Worker.Tests.EndToEnd;

namespace PullWorker.Worker.Tests.Faults;

/// <summary>
/// The worker in this process while the emulator misbehaves the ways Google's services do: streams cut with
/// UNAVAILABLE, acks and modacks failing in bursts, storage answering 503/429 to a third of requests, storage taking
/// seconds per write. Every job is still done exactly once.
/// </summary>
[TestFixture]
public sealed class EmulatorFaultTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_StreamsClosedWithUnavailableEverySecond_EveryJobDoneExactlyOnce(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("streams-closed", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, 400, seed: 911, malformed: true, cancellationToken);

        // Writes slow enough that the run lasts several seconds, so the streams are cut many times mid-run.
        deployment.Emulator.Storage.Faults.Latency = TimeSpan.FromMilliseconds(50);
        var pubSub = deployment.Emulator.PubSub;
        var strikes = await RunWorkerAsync(
            deployment,
            () => FaultLoop.Start(TimeSpan.FromSeconds(1), () => pubSub.CloseAllStreams(StatusCode.Unavailable)),
            published,
            lostAcks: null,
            cancellationToken,
            ("FlowControl:MaxOutstandingMessages", "4"));

        published.AssertEachDoneExactlyOnce(deployment, "streams closed every second");
        Assert.That(strikes, Is.GreaterThanOrEqualTo(3), "the streams were cut several times while jobs were in flight");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_BurstsOfAckAndModackErrors_EveryJobDoneExactlyOnce(CancellationToken cancellationToken)
    {
        await using var emulatorClock = new SkippableClock();
        await using var deployment = await LocalDeployment.CreateAsync("ack-errors", cancellationToken, emulatorClock.Time);
        var published = await PublishedJobs.PublishAsync(deployment, 400, seed: 912, malformed: true, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = TimeSpan.FromMilliseconds(50);
        var pubSub = deployment.Emulator.PubSub;
        var burst = 0;

        // Injected errors queue up until calls take them, so the bursts are few: a worker whose acks back off
        // makes few calls, and an endless stream of bursts would outpace it (a fault no real service has).
        var strikes = await RunWorkerAsync(
            deployment,
            () => FaultLoop.Start(
                TimeSpan.FromSeconds(1),
                () =>
                {
                    // Every code the client libraries retry on acks, in turn.
                    var code = (burst++ % 3) switch { 0 => StatusCode.Unavailable, 1 => StatusCode.DeadlineExceeded, _ => StatusCode.Internal };
                    pubSub.InjectErrors("Acknowledge", code, 3);
                    pubSub.InjectErrors("ModifyAckDeadline", code, 3);
                },
                maxStrikes: 5),
            published,
            lostAcks: emulatorClock,
            cancellationToken,
            ("FlowControl:MaxOutstandingMessages", "4"),

            // Google's client does not retry a failed ack; the message comes back when its lease lapses, so a short one.
            ("Subscriber:AckDeadline", "00:00:10"),
            ("Subscriber:AckExtensionWindow", "00:00:05"));

        published.AssertEachDoneExactlyOnce(deployment, "ack and modack error bursts");
        Assert.That(strikes, Is.GreaterThanOrEqualTo(3), "several bursts struck while jobs were in flight");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_StorageFailsAThirdOfRequestsWith503Or429_EveryJobDoneExactlyOnce(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("storage-errors", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, 200, seed: 913, malformed: true, cancellationToken);
        var storage = deployment.Emulator.Storage;
        storage.Faults.Seed = 913;
        storage.Faults.ErrorRate = 0.33;
        var requestsBefore = storage.RequestCount;

        // Retries start at a quarter second instead of Google's 1 s, so the test stays short; the logic is the same.
        await RunWorkerAsync(deployment, faults: null, published, lostAcks: null, cancellationToken, ("Storage:RetryBaseDelay", "00:00:00.250"));
        var requests = storage.RequestCount - requestsBefore;
        storage.Faults.Reset();

        published.AssertEachDoneExactlyOnce(deployment, "a third of storage requests failing");
        Assert.That(requests, Is.GreaterThan(published.Count * 1.3), "failed writes were retried (about 1.5 requests per result)");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_StorageTakingOneAndAHalfSecondsPerRequest_EveryJobDoneExactlyOnce(CancellationToken cancellationToken)
    {
        await using var deployment = await LocalDeployment.CreateAsync("slow-storage", cancellationToken);
        var published = await PublishedJobs.PublishAsync(deployment, 200, seed: 914, malformed: true, cancellationToken);
        deployment.Emulator.Storage.Faults.Latency = TimeSpan.FromSeconds(1.5);

        var clock = Stopwatch.StartNew();
        await RunWorkerAsync(deployment, faults: null, published, lostAcks: null, cancellationToken);

        published.AssertEachDoneExactlyOnce(deployment, "slow storage");
        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(3)), "storage really was slow");
    }

    /// <summary>
    /// Runs a worker in this process until every job is done, with <paramref name="faults"/> (if any) striking
    /// meanwhile; returns how often they struck. The faults start once the worker has started. With
    /// <paramref name="lostAcks"/>, the emulator's clock, leases whose ack was lost lapse by skipping it.
    /// </summary>
    private static async Task<int> RunWorkerAsync(
        LocalDeployment deployment,
        Func<FaultLoop>? faults,
        PublishedJobs published,
        SkippableClock? lostAcks,
        CancellationToken cancellationToken,
        params (string Key, string Value)[] settings)
    {
        using var model = await ModelFile.WriteAsync(published.Model, cancellationToken);
        var configuration = WorkerEnvironments.Configuration(deployment, model.Path);
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        await using var app = WorkerHost.Build([], config => config.AddInMemoryCollection(configuration));
        var clock = Stopwatch.StartNew();
        await app.StartAsync(cancellationToken);
        int strikes;
        await using (var loop = faults?.Invoke())
        {
            var (results, stats) = lostAcks is null
                ? await published.WaitUntilDoneAsync(deployment, cancellationToken)
                : await published.WaitUntilDoneSkippingLostAcksAsync(deployment, lostAcks, AckDeadline(configuration), cancellationToken);
            strikes = loop?.Strikes ?? 0;
            await TestContext.Out.WriteLineAsync($"{published.Summary(stats, clock.Elapsed, results)}; struck {strikes} times");
        }

        await app.StopAsync(cancellationToken);
        return strikes;
    }

    /// <summary>The lease the worker asks for: its <c>Subscriber:AckDeadline</c>, or that key's default.</summary>
    private static TimeSpan AckDeadline(Dictionary<string, string?> configuration) =>
        configuration.TryGetValue("Subscriber:AckDeadline", out var value) && value is not null
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : new SubscriberOptions().AckDeadline;
}
