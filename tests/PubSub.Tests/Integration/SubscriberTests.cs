using System.Collections.Concurrent;
using Grpc.Core;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Integration;

public class SubscriberTests : EmulatorTestBase
{
    [Test]
    [CancelAfter(60_000)]
    public async Task FlowControl_UnderLoad_NeverExceedsMaxOutstanding(CancellationToken cancellationToken)
    {
        const int total = 2_000;
        const int limit = 50;
        await PublishAsync(total, cancellationToken);
        await using var subscriber = await StartSubscriberAsync(Settings(streams: 4) with { MaxOutstandingMessages = limit }, cancellationToken);
        var received = new ConcurrentDictionary<string, int>();
        var inHandler = 0;
        var maxInHandler = 0;
        var maxHandedOut = 0;
        using var allReceived = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task WorkAsync(int seed)
        {
            var random = new Random(seed);
            while (await subscriber.Messages.WaitToReadAsync(allReceived.Token))
            {
                if (!subscriber.Messages.TryRead(out var message))
                {
                    continue;
                }

                var now = Interlocked.Increment(ref inHandler);
                InterlockedMax(ref maxInHandler, now);
                InterlockedMax(ref maxHandedOut, subscriber.Snapshot().HandedOut);
                received.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
                await Task.Delay(random.Next(0, 3), cancellationToken);
                Interlocked.Decrement(ref inHandler);
                message.Ack();
                if (received.Count == total)
                {
                    await allReceived.CancelAsync();
                }
            }
        }

        var workers = Task.WhenAll(Enumerable.Range(0, 80).Select(WorkAsync));
        await workers.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(cancellationToken);
        Assert.That(workers.IsCanceled, Is.True, workers.Exception?.ToString());
        var stats = await StatsWhenAsync(s => s.Backlog == 0, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(received, Has.Count.EqualTo(total));
            Assert.That(maxInHandler, Is.LessThanOrEqualTo(limit).And.GreaterThan(limit / 2), "80 workers kept the handler full");
            Assert.That(maxHandedOut, Is.LessThanOrEqualTo(limit));
            Assert.That(stats.Acked, Is.EqualTo(total));
        });
    }

    [Test]
    [CancelAfter(40_000)]
    public async Task SlowHandler_ProcessingLongerThanAckDeadline_NotRedelivered(CancellationToken cancellationToken)
    {
        await PublishAsync(1, cancellationToken);
        await using var subscriber = await StartSubscriberAsync(Settings(), cancellationToken);

        var message = await ReadAsync(subscriber.Messages, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(14), cancellationToken); // the subscription's deadline is 10 s
        var outcome = await message.AckAsync(cancellationToken);
        var stats = await StatsWhenAsync(s => s.Acked == 1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(AckOutcome.Succeeded));
            Assert.That(stats.Delivered, Is.EqualTo(1));
            Assert.That(stats.Expired, Is.Zero);
            Assert.That(subscriber.Messages.TryRead(out _), Is.False);
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Nack_Message_IsRedelivered(CancellationToken cancellationToken)
    {
        var ids = await PublishAsync(1, cancellationToken);
        await using var subscriber = await StartSubscriberAsync(Settings(), cancellationToken);

        var first = await ReadAsync(subscriber.Messages, cancellationToken);
        var nacked = await first.NackAsync(TimeSpan.Zero, cancellationToken);
        var second = await ReadAsync(subscriber.Messages, cancellationToken);
        second.Ack();
        var stats = await StatsWhenAsync(s => s.Acked == 1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(nacked.IsSuccess, Is.True);
            Assert.That(second.MessageId, Is.EqualTo(ids[0]));
            Assert.That(first.MessageId, Is.EqualTo(ids[0]));
            Assert.That(stats.Nacked, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task StreamResets_MidFlow_LoseAndDuplicateNothing(CancellationToken cancellationToken)
    {
        const int total = 1_000;
        await PublishAsync(total, cancellationToken);
        await using var subscriber = await StartSubscriberAsync(Settings(streams: 3) with { MaxOutstandingMessages = 100 }, cancellationToken);
        var received = new Dictionary<string, int>();

        while (received.Count < total)
        {
            var message = await ReadAsync(subscriber.Messages, cancellationToken);
            received[message.MessageId] = received.GetValueOrDefault(message.MessageId) + 1;
            message.Ack();
            if (received.Count % 250 == 0 && received[message.MessageId] == 1)
            {
                Emulator.CloseAllStreams(StatusCode.Unavailable);
            }
        }

        var stats = await StatsWhenAsync(s => s.Backlog == 0, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(received, Has.Count.EqualTo(total));
            Assert.That(received.Values.Where(n => n > 1), Is.Empty, "leased messages outlive their stream");
            Assert.That(stats.Acked, Is.EqualTo(total));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task EmulatorRestart_MidStream_Recovers(CancellationToken cancellationToken)
    {
        const int total = 300;
        await PublishAsync(total, cancellationToken);
        await using var subscriber = await StartSubscriberAsync(Settings() with { MaxOutstandingMessages = 20 }, cancellationToken);
        var received = new HashSet<string>();

        for (var i = 0; i < 100; i++)
        {
            var message = await ReadAsync(subscriber.Messages, cancellationToken);
            received.Add(message.MessageId);
            message.Ack();
        }

        await Emulator.RestartAsync(TimeSpan.FromSeconds(1), cancellationToken);
        while (received.Count < total)
        {
            var message = await ReadAsync(subscriber.Messages, cancellationToken);
            received.Add(message.MessageId);
            message.Ack();
        }

        var stats = await StatsWhenAsync(s => s.Backlog == 0, cancellationToken);
        Assert.That(stats.Outstanding, Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SoftStop_MessagesInEveryState_LeavesNoneOutstanding(CancellationToken cancellationToken)
    {
        await PublishAsync(100, cancellationToken);
        var subscriber = await StartSubscriberAsync(Settings() with { MaxOutstandingMessages = 10 }, cancellationToken);
        var withHandler = new List<LeasedMessage>();
        for (var i = 0; i < 5; i++)
        {
            withHandler.Add(await ReadAsync(subscriber.Messages, cancellationToken));
        }

        // Five with the handler, five unread in the channel, the rest on the server.
        await StatsWhenAsync(s => s.Outstanding >= 10, cancellationToken);
        var stopping = subscriber.StopAsync(TimeSpan.FromSeconds(2), cancellationToken);
        foreach (var message in withHandler.Take(3))
        {
            Assert.That(await message.AckAsync(cancellationToken), Is.EqualTo(AckOutcome.Succeeded), "acks during the drain are sent");
        }

        await stopping;
        await subscriber.StopAsync(TimeSpan.FromSeconds(2), cancellationToken);
        var late = await withHandler[3].AckAsync(cancellationToken);
        var stats = await StatsWhenAsync(s => s.Outstanding == 0, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(stats.Acked, Is.EqualTo(3));
            Assert.That(stats.Backlog, Is.EqualTo(97));
            Assert.That(late.Status, Is.EqualTo(AckStatus.TransientFailure), "nothing is sent after the stop");
            Assert.That(subscriber.Completion.IsCompletedSuccessfully, Is.True);
            Assert.That(Emulator.OpenStreamCount, Is.Zero);
        });
        await subscriber.DisposeAsync();
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task StreamingPullErrors_Retryable_Recovered(CancellationToken cancellationToken)
    {
        var ids = await PublishAsync(1, cancellationToken);
        Emulator.InjectErrors("StreamingPull", StatusCode.Unavailable, 3);
        Emulator.InjectErrors("Acknowledge", StatusCode.Unavailable, 1);
        await using var subscriber = await StartSubscriberAsync(Settings(streams: 1), cancellationToken);

        var message = await ReadAsync(subscriber.Messages, cancellationToken);
        var outcome = await message.AckAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(message.MessageId, Is.EqualTo(ids[0]));
            Assert.That(outcome, Is.EqualTo(AckOutcome.Succeeded));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Start_SubscriptionNotFound_FailsFastWithClearMessage(CancellationToken cancellationToken)
    {
        var settings = Settings() with { Subscription = $"projects/{Project}/subscriptions/missing" };

        var error = Assert.ThrowsAsync<PubSubConfigurationException>(() => StartSubscriberAsync(settings, cancellationToken));

        Assert.That(error.Message, Does.Contain($"projects/{Project}/subscriptions/missing does not exist"));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Start_MalformedSubscription_FailsWithClearMessage(CancellationToken cancellationToken)
    {
        var settings = Settings() with { Subscription = "jobs" };

        var error = Assert.ThrowsAsync<PubSubConfigurationException>(() => StartSubscriberAsync(settings, cancellationToken));

        Assert.That(error.Message, Does.Contain("Subscription").And.Contain("projects/my-project/subscriptions/my-subscription"));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task SubscriptionDeleted_WhilePulling_ChannelEndsWithClearError(CancellationToken cancellationToken)
    {
        await using var subscriber = await StartSubscriberAsync(Settings(streams: 1), cancellationToken);
        using var admin = await PubSubConnection.CreateAsync(Connection, 1, cancellationToken);
        await admin.NextSubscriber().DeleteSubscriptionAsync(
            new Google.Cloud.PubSub.V1.DeleteSubscriptionRequest { Subscription = Subscription }, cancellationToken: cancellationToken);
        Emulator.CloseAllStreams(StatusCode.Unavailable);

        var error = Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(async () => await subscriber.Messages.ReadAsync(cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(error.InnerException, Is.TypeOf<PubSubConfigurationException>());
            Assert.That(error.InnerException?.Message, Does.Contain("does not exist"));
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
