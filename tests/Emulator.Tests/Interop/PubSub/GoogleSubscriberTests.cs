using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Emulator.Tests.PubSub;

namespace PullWorker.Emulator.Tests.Interop.PubSub;

/// <summary>
/// The emulator driven by Google's .NET clients as users run them: <c>PublisherClient</c>, <c>SubscriberClient</c>
/// (several streams, flow control, lease extension, nacks, dead-lettering) and the generated admin clients. The
/// emulator's clock is fake, so a lease lapses only when a test moves it; the client's own timers run on real time.
/// </summary>
[TestFixture]
public sealed class GoogleSubscriberTests : PubSubTestBase
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(120_000)]
    public async Task SubscriberClient_TwentyThousandMessagesUnderFlowControl_EachHandledOnceAndAcked(CancellationToken cancellationToken)
    {
        const int count = 20_000;
        const int flowLimit = 200;
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(cancellationToken);
        await PublishAsync(topic, count, cancellationToken);

        var seen = new ConcurrentDictionary<string, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var concurrent = 0;
        var maxConcurrent = 0;
        var subscriber = await GoogleClients.Subscriber(Server, subscription, clientCount: 2, flowLimit).BuildAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var running = subscriber.StartAsync(async (message, _) =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref maxConcurrent, now);
            await Task.Yield();
            Interlocked.Decrement(ref concurrent);
            if (seen.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1) == 1 && seen.Count == count)
            {
                all.TrySetResult();
            }

            return SubscriberClient.Reply.Ack;
        });
        await all.Task.WaitAsync(Bounded, cancellationToken);
        var elapsed = clock.Elapsed;
        await WaitUntilAsync(() => Server.Emulator.GetStats(subscription).Acked == count, cancellationToken);
        await StopAsync(subscriber, running, cancellationToken);

        TestContext.Out.WriteLine($"received {count:N0} messages in {elapsed.TotalSeconds:F2} s: {count / elapsed.TotalSeconds:N0} msg/s (2 streams, flow control {flowLimit})");
        var stats = Server.Emulator.GetStats(subscription);
        Assert.Multiple(() =>
        {
            Assert.That(seen, Has.Count.EqualTo(count));
            Assert.That(seen.Values.Where(n => n > 1), Is.Empty, "a message handled twice");
            Assert.That(maxConcurrent, Is.LessThanOrEqualTo(flowLimit), "handlers running at once");
            Assert.That(stats.Delivered, Is.EqualTo(count), "deliveries");
            Assert.That(stats.Backlog, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SubscriberClient_Nack_RedeliversAtOnceThenAcks(CancellationToken cancellationToken)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(cancellationToken);
        var published = await PublishAsync(topic, 1, cancellationToken);

        var deliveries = new ConcurrentQueue<string>();
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = await GoogleClients.Subscriber(Server, subscription, clientCount: 1, maxOutstanding: 10).BuildAsync(cancellationToken);
        var running = subscriber.StartAsync((message, _) =>
        {
            deliveries.Enqueue(message.MessageId);
            if (deliveries.Count == 1)
            {
                return Task.FromResult(SubscriberClient.Reply.Nack);
            }

            acked.TrySetResult();
            return Task.FromResult(SubscriberClient.Reply.Ack);
        });
        await acked.Task.WaitAsync(Bounded, cancellationToken);
        await WaitUntilAsync(() => Server.Emulator.GetStats(subscription).Acked == 1, cancellationToken);
        await StopAsync(subscriber, running, cancellationToken);

        var stats = Server.Emulator.GetStats(subscription);
        Assert.Multiple(() =>
        {
            Assert.That(deliveries, Is.EqualTo(new[] { published[0], published[0] }));
            Assert.That(stats.Nacked, Is.EqualTo(1));
            Assert.That(stats.Acked, Is.EqualTo(1));
        });
    }

    /// <summary>
    /// The client extends a lease AckDeadline - AckExtensionWindow after receipt (5 s of real time here, the
    /// library's minimum); the emulator's fake clock then passes the original deadline without a redelivery.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task SubscriberClient_SlowHandler_LeaseExtendedPastTheOriginalDeadline(CancellationToken cancellationToken)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(cancellationToken);
        await PublishAsync(topic, 1, cancellationToken);

        var spy = new LeaseExtensionSpy();
        var builder = GoogleClients.Subscriber(Server, subscription, clientCount: 1, maxOutstanding: 10, spy);
        builder.Settings.AckDeadline = TimeSpan.FromSeconds(10);
        builder.Settings.AckExtensionWindow = TimeSpan.FromSeconds(5);
        var subscriber = await builder.BuildAsync(cancellationToken);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var running = subscriber.StartAsync(async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            started.TrySetResult();
            await release.Task;
            return SubscriberClient.Reply.Ack;
        });

        await Task.WhenAll(started.Task, spy.Received).WaitAsync(Bounded, cancellationToken);
        Server.Time.Advance(TimeSpan.FromSeconds(8));
        await spy.Extended.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        Server.Time.Advance(TimeSpan.FromSeconds(5));
        var whileHeld = Server.Emulator.GetStats(subscription);
        release.SetResult();
        await WaitUntilAsync(() => Server.Emulator.GetStats(subscription).Acked == 1, cancellationToken);
        await StopAsync(subscriber, running, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(whileHeld.Expired, Is.Zero, "13 s on the emulator's clock since receipt, past its 10 s deadline");
            Assert.That(whileHeld.Outstanding, Is.EqualTo(1));
            Assert.That(Volatile.Read(ref calls), Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SubscriberClient_AlwaysNacked_DeadLetteredAfterMaxDeliveryAttempts(CancellationToken cancellationToken)
    {
        const int maxAttempts = 5;
        var topics = await GoogleClients.TopicAdminAsync(Server, cancellationToken);
        var subscriptions = await GoogleClients.SubscriptionAdminAsync(Server, cancellationToken);
        var topic = (await topics.CreateTopicAsync(PubSubTestServer.NewTopicName(), cancellationToken)).Name;
        var deadLetterTopic = (await topics.CreateTopicAsync(PubSubTestServer.NewTopicName(), cancellationToken)).Name;
        var deadLetters = (await subscriptions.CreateSubscriptionAsync(
            new Subscription { Name = PubSubTestServer.NewSubscriptionName(), Topic = deadLetterTopic }, cancellationToken)).Name;
        var subscription = (await subscriptions.CreateSubscriptionAsync(
            new Subscription
            {
                Name = PubSubTestServer.NewSubscriptionName(),
                Topic = topic,
                DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = deadLetterTopic, MaxDeliveryAttempts = maxAttempts },
            },
            cancellationToken)).Name;
        var published = await PublishAsync(topic, 1, cancellationToken);

        var attempts = new ConcurrentQueue<int?>();
        var subscriber = await GoogleClients.Subscriber(Server, subscription, clientCount: 1, maxOutstanding: 10).BuildAsync(cancellationToken);
        var running = subscriber.StartAsync((message, _) =>
        {
            attempts.Enqueue(message.GetDeliveryAttempt());
            return Task.FromResult(SubscriberClient.Reply.Nack);
        });
        await WaitUntilAsync(() => Server.Emulator.GetStats(deadLetters).Backlog == 1, cancellationToken);
        await StopAsync(subscriber, running, cancellationToken);
        var forwarded = await subscriptions.PullAsync(deadLetters, maxMessages: 10, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(new int?[] { 1, 2, 3, 4, 5 }));
            Assert.That(forwarded.ReceivedMessages.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "message-0" }));
            Assert.That(Server.Emulator.GetStats(subscription).Backlog, Is.Zero);
            Assert.That(published, Has.Count.EqualTo(1));
        });
    }

    /// <summary>
    /// A stream with nothing to deliver for a while still delivers at once, and the client never had to restart it
    /// for a missing keep-alive answer (its pings need real time: the normal case idles 50 s, past the first ping's
    /// 15 s answer deadline; the slow one the full two minutes). The emulator's clock moves two minutes either way.
    /// </summary>
    [TestCase(50)]
    [TestCase(125, Category = "Slow")]
    [CancelAfter(200_000)]
    public async Task SubscriberClient_StreamIdle_StillDeliversPromptly(int idleSeconds, CancellationToken cancellationToken)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(cancellationToken);
        var log = new WarningLog();
        var subscriber = await GoogleClients.Subscriber(Server, subscription, clientCount: 1, maxOutstanding: 10, logger: log).BuildAsync(cancellationToken);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = subscriber.StartAsync((message, _) =>
        {
            received.TrySetResult(message.MessageId);
            return Task.FromResult(SubscriberClient.Reply.Ack);
        });
        await WaitUntilAsync(() => Server.Emulator.OpenStreamCount == 1, cancellationToken);

        Server.Time.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), cancellationToken);
        var clock = Stopwatch.StartNew();
        var published = await PublishAsync(topic, 1, cancellationToken);
        var messageId = await received.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var latency = clock.Elapsed;
        await StopAsync(subscriber, running, cancellationToken);

        TestContext.Out.WriteLine($"after {idleSeconds} s idle: delivered in {latency.TotalMilliseconds:F0} ms");
        Assert.Multiple(() =>
        {
            Assert.That(messageId, Is.EqualTo(published[0]));
            Assert.That(latency, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(log.Warnings, Is.Empty, "the client library's warnings (a keep-alive restart logs one)");
        });
    }

    private async Task<IReadOnlyList<string>> PublishAsync(string topic, int count, CancellationToken cancellationToken)
    {
        var publisher = await GoogleClients.PublisherAsync(Server, topic, cancellationToken);
        try
        {
            return await Task.WhenAll(Enumerable.Range(0, count).Select(i => publisher.PublishAsync(new PubsubMessage
            {
                Data = ByteString.CopyFromUtf8($"message-{i}"),
            })));
        }
        finally
        {
            await publisher.ShutdownAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task StopAsync(SubscriberClient subscriber, Task running, CancellationToken cancellationToken)
    {
        await subscriber.StopAsync(
            new SubscriberClient.ShutdownOptions { Mode = SubscriberClient.ShutdownMode.NackImmediately, Timeout = TimeSpan.FromSeconds(10) },
            cancellationToken);
        await running.WaitAsync(Bounded, cancellationToken);
        await subscriber.DisposeAsync();
    }

    /// <summary>Polls emulator state (acks arrive asynchronously after a handler returns) until true, within a bound.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bounded);
        while (!condition())
        {
            await Task.Delay(10, bound.Token);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
