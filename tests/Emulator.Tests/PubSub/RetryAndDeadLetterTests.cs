using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class RetryAndDeadLetterTests : PubSubTestBase
{
    [Test, CancelAfter(10_000)]
    public async Task RetryPolicy_RepeatedNacks_BackoffStartsAtMinimumDoublesAndCapsAtMaximum(CancellationToken ct)
    {
        var retry = new RetryPolicy
        {
            MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
            MaximumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
        };
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { RetryPolicy = retry });
        await Server.PublishAsync(topic, ["retried"], ct);

        var observedBackoffs = new List<double>();
        var message = (await Server.PullNowAsync(subscription, ct)).Single();
        for (var nack = 0; nack < 3; nack++)
        {
            await Server.ModifyAckDeadlineAsync(subscription, message, 0, ct);
            var waited = 0;
            IReadOnlyList<ReceivedMessage> pulled;
            while ((pulled = await Server.PullNowAsync(subscription, ct)).Count == 0 && waited < 100)
            {
                Server.Time.Advance(TimeSpan.FromSeconds(1));
                waited++;
            }

            observedBackoffs.Add(waited);
            message = pulled.Single();
        }

        Assert.That(observedBackoffs, Is.EqualTo(new[] { 10, 20, 30 }));
    }

    [Test, CancelAfter(10_000)]
    public async Task RetryPolicy_ZeroMinimumBackoff_RedeliversNackedMessageAtOnce(CancellationToken ct)
    {
        var retry = new RetryPolicy { MinimumBackoff = Duration.FromTimeSpan(TimeSpan.Zero) };
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { RetryPolicy = retry });
        await Server.PublishAsync(topic, ["fast retry"], ct);

        for (var nack = 0; nack < 3; nack++)
        {
            await Server.ModifyAckDeadlineAsync(subscription, (await Server.PullNowAsync(subscription, ct)).Single(), 0, ct);
        }

        Assert.That(await Server.PullNowAsync(subscription, ct), Has.Count.EqualTo(1));
    }

    [Test, CancelAfter(10_000)]
    public async Task RetryPolicy_Expiry_AlsoBacksOff(CancellationToken ct)
    {
        var retry = new RetryPolicy { MinimumBackoff = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) };
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { RetryPolicy = retry });
        await Server.PublishAsync(topic, ["expires"], ct);
        await Server.PullNowAsync(subscription, ct);

        Server.Time.Advance(TimeSpan.FromSeconds(10));
        var duringBackoff = await Server.PullNowAsync(subscription, ct);
        Server.Time.Advance(TimeSpan.FromSeconds(5));
        var afterBackoff = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(duringBackoff, Is.Empty);
            Assert.That(afterBackoff, Has.Count.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task DeadLetterPolicy_NacksAndExpiries_CountDeliveryAttemptsThenForward(CancellationToken ct)
    {
        var deadLetterTopic = await Server.CreateTopicAsync(ct);
        var deadLetters = await Server.CreateSubscriptionAsync(deadLetterTopic, ct);
        var policy = new DeadLetterPolicy { DeadLetterTopic = deadLetterTopic, MaxDeliveryAttempts = 5 };
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { DeadLetterPolicy = policy });
        var original = new PubsubMessage { Data = ByteString.CopyFromUtf8("poison"), Attributes = { ["origin"] = "test" } };
        await Server.Publisher.PublishAsync(new PublishRequest { Topic = topic, Messages = { original } }, cancellationToken: ct);

        var attempts = new List<int>();
        for (var delivery = 0; delivery < 5; delivery++)
        {
            var message = (await Server.PullNowAsync(subscription, ct)).Single();
            attempts.Add(message.DeliveryAttempt);
            if (delivery % 2 == 0)
            {
                await Server.ModifyAckDeadlineAsync(subscription, message, 0, ct);
            }
            else
            {
                Server.Time.Advance(TimeSpan.FromSeconds(10));
            }
        }

        var afterLastAttempt = await Server.PullNowAsync(subscription, ct);
        var forwarded = (await Server.PullNowAsync(deadLetters, ct)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
            Assert.That(afterLastAttempt, Is.Empty);
            Assert.That(Server.Emulator.GetStats(subscription).Backlog, Is.Zero);
            Assert.That(forwarded.Message.Data.ToStringUtf8(), Is.EqualTo("poison"));
            Assert.That(forwarded.Message.Attributes["origin"], Is.EqualTo("test"));
            Assert.That(forwarded.Message.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"], Is.EqualTo("5"));
            Assert.That(forwarded.DeliveryAttempt, Is.Zero, "the dead-letter subscription has no policy of its own");
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task DeadLetterPolicy_AckBeforeLastAttempt_NotForwarded(CancellationToken ct)
    {
        var deadLetterTopic = await Server.CreateTopicAsync(ct);
        var deadLetters = await Server.CreateSubscriptionAsync(deadLetterTopic, ct);
        var policy = new DeadLetterPolicy { DeadLetterTopic = deadLetterTopic, MaxDeliveryAttempts = 5 };
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { DeadLetterPolicy = policy });
        await Server.PublishAsync(topic, ["recovers"], ct);

        for (var delivery = 0; delivery < 4; delivery++)
        {
            await Server.ModifyAckDeadlineAsync(subscription, (await Server.PullNowAsync(subscription, ct)).Single(), 0, ct);
        }

        var last = (await Server.PullNowAsync(subscription, ct)).Single();
        await Server.AcknowledgeAsync(subscription, [last], ct);

        Assert.Multiple(() =>
        {
            Assert.That(last.DeliveryAttempt, Is.EqualTo(5));
            Assert.That(Server.Emulator.GetStats(deadLetters).Backlog, Is.Zero);
            Assert.That(Server.Emulator.GetStats(subscription).Backlog, Is.Zero);
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task NoDeadLetterPolicy_Redeliveries_DeliveryAttemptStaysZero(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["plain"], ct);

        var first = (await Server.PullNowAsync(subscription, ct)).Single();
        await Server.ModifyAckDeadlineAsync(subscription, first, 0, ct);
        var second = (await Server.PullNowAsync(subscription, ct)).Single();

        Assert.That(new[] { first.DeliveryAttempt, second.DeliveryAttempt }, Is.EqualTo(new[] { 0, 0 }));
    }
}
