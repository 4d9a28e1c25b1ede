using System.Collections.Concurrent;
using System.Diagnostics;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Integration;

public class GracefulStopTests : EmulatorTestBase
{
    /// <summary>
    /// The stopping subscriber's handler acks as fast as it reads, so the emulator is pushing when the stop
    /// begins, and more is published while it runs. The stream lease is 60 s: whatever a cut stream
    /// stranded would stay missing for a minute.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task SoftStop_WhileMessagesFlow_NextSubscriberGetsEverythingWellBeforeTheLease(CancellationToken cancellationToken)
    {
        var published = (await PublishAsync(400, cancellationToken)).ToList();
        var stopping = await StartSubscriberAsync(
            Settings() with { AckDeadline = TimeSpan.FromSeconds(60), MaxOutstandingMessages = 20 }, cancellationToken);
        var acked = new ConcurrentDictionary<string, bool>();
        var hundredAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopBegan = 0;
        var readAfterStop = 0;
        var reading = Task.Run(
            async () =>
            {
                await foreach (var message in stopping.Messages.ReadAllAsync(cancellationToken))
                {
                    readAfterStop += Volatile.Read(ref stopBegan);
                    acked[message.MessageId] = true;
                    message.Ack();
                    if (acked.Count >= 100)
                    {
                        hundredAcked.TrySetResult();
                    }
                }
            },
            cancellationToken);
        await hundredAcked.Task.WaitAsync(cancellationToken);

        var stop = stopping.StopAsync(TimeSpan.FromSeconds(5), cancellationToken);
        Volatile.Write(ref stopBegan, 1);
        var channelEndedAtStop = stopping.Messages.Completion.IsCompleted;
        published.AddRange(await PublishAsync(100, cancellationToken, prefix: "during-stop"));
        await stop;
        await reading;

        var clock = Stopwatch.StartNew();
        await using var next = await StartSubscriberAsync(Settings(), cancellationToken);
        var missing = published.Where(id => !acked.ContainsKey(id)).ToHashSet();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (missing.Count > 0)
            {
                var message = await next.Messages.ReadAsync(bound.Token);
                missing.Remove(message.MessageId);
                message.Ack();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Reported below as what is missing.
        }

        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Empty, "nothing is stranded on the closed streams or lost");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(readAfterStop, Is.Zero, "nothing reaches the stopping reader once the stop began");
            Assert.That(channelEndedAtStop, Is.True);
            Assert.That(stopping.Completion.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SoftStop_ServiceEndsHalfClosedStreams_WithoutWaitingForTheCloseTimeout(CancellationToken cancellationToken)
    {
        await PublishAsync(50, cancellationToken);
        var subscriber = await StartSubscriberAsync(
            Settings(streams: 4) with { StreamCloseTimeout = TimeSpan.FromSeconds(20) }, cancellationToken);
        await ReadAsync(subscriber.Messages, cancellationToken);
        await StatsWhenAsync(s => s.Outstanding > 1, cancellationToken);

        var clock = Stopwatch.StartNew();
        await subscriber.StopAsync(TimeSpan.Zero, cancellationToken);
        var elapsed = clock.Elapsed;
        var stats = await StatsWhenAsync(s => s.Outstanding == 0, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the emulator ended the half-closed streams");
            Assert.That(stats.Backlog, Is.EqualTo(50), "everything went back: held, unread, still on the wire, with the handler");
            Assert.That(Emulator.OpenStreamCount, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task HardStop_DuringDrain_ReturnsPromptlyAndSendsNothingMore(CancellationToken cancellationToken)
    {
        await PublishAsync(3, cancellationToken);
        var subscriber = await StartSubscriberAsync(Settings() with { StreamCloseTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);
        var withHandler = await ReadAsync(subscriber.Messages, cancellationToken);
        using var hard = new CancellationTokenSource();
        var stop = subscriber.StopAsync(TimeSpan.FromSeconds(30), hard.Token);
        await StatsWhenAsync(_ => Emulator.OpenStreamCount == 0, cancellationToken);

        var clock = Stopwatch.StartNew();
        await hard.CancelAsync();
        await stop.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var elapsed = clock.Elapsed;
        var late = await withHandler.AckAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the 30 s drain was cut short");
            Assert.That(late.Status, Is.EqualTo(AckStatus.TransientFailure), "nothing is sent after a hard stop");
            Assert.That(Emulator.GetStats(Subscription).Acked, Is.Zero);
            Assert.That(subscriber.Completion.IsCompleted, Is.True);
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task HardStop_TokenAlreadyCancelled_ReturnsPromptly(CancellationToken cancellationToken)
    {
        await PublishAsync(3, cancellationToken);
        var subscriber = await StartSubscriberAsync(Settings() with { StreamCloseTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);
        await ReadAsync(subscriber.Messages, cancellationToken);

        var clock = Stopwatch.StartNew();
        await subscriber.StopAsync(TimeSpan.FromSeconds(30), new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var elapsed = clock.Elapsed;
        await StatsWhenAsync(_ => Emulator.OpenStreamCount == 0, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(subscriber.Completion.IsCompleted, Is.True);
        });
    }
}
