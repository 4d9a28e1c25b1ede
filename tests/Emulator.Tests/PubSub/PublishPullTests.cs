using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.Emulator.PubSub;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class PublishPullTests : PubSubTestBase
{
    [Test, CancelAfter(10_000)]
    public async Task Publish_ThenPull_DeliversDataAttributesIdAndPublishTime(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        var message = new PubsubMessage { Data = ByteString.CopyFromUtf8("hello"), Attributes = { ["kind"] = "greeting" } };
        var published = await Server.Publisher.PublishAsync(new PublishRequest { Topic = topic, Messages = { message } }, cancellationToken: ct);

        var pulled = await Server.PullNowAsync(subscription, ct);

        Assert.That(pulled, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(pulled[0].Message.Data.ToStringUtf8(), Is.EqualTo("hello"));
            Assert.That(pulled[0].Message.Attributes["kind"], Is.EqualTo("greeting"));
            Assert.That(pulled[0].Message.MessageId, Is.EqualTo(published.MessageIds.Single()));
            Assert.That(pulled[0].Message.PublishTime.ToDateTimeOffset(), Is.EqualTo(Server.Time.GetUtcNow()));
            Assert.That(pulled[0].AckId, Is.Not.Empty);
            Assert.That(pulled[0].DeliveryAttempt, Is.Zero, "no dead-letter policy, so no attempt count");
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task Publish_ManyMessages_IdsAreDistinct(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);

        var ids = await Server.PublishAsync(topic, Enumerable.Range(0, 50).Select(i => $"m{i}"), ct);

        Assert.That(ids, Is.Unique.And.Count.EqualTo(50));
    }

    [Test, CancelAfter(10_000)]
    public async Task Publish_TwoSubscriptions_EachGetsEveryMessageInOrder(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        var first = await Server.CreateSubscriptionAsync(topic, ct);
        var second = await Server.CreateSubscriptionAsync(topic, ct);
        var payloads = new[] { "a", "b", "c" };

        await Server.PublishAsync(topic, payloads, ct);
        var fromFirst = await Server.PullNowAsync(first, ct);
        var fromSecond = await Server.PullNowAsync(second, ct);

        Assert.Multiple(() =>
        {
            Assert.That(fromFirst.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(payloads));
            Assert.That(fromSecond.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(payloads));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task Publish_BeforeSubscriptionExists_NotDeliveredToIt(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        await Server.PublishAsync(topic, ["early"], ct);
        var subscription = await Server.CreateSubscriptionAsync(topic, ct);
        await Server.PublishAsync(topic, ["late"], ct);

        var pulled = await Server.PullNowAsync(subscription, ct);

        Assert.That(pulled.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "late" }));
    }

    [Test, CancelAfter(10_000)]
    public async Task Pull_MaxMessages_ReturnsAtMostThatMany(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["1", "2", "3", "4", "5"], ct);

        var pulled = await Server.PullNowAsync(subscription, ct, maxMessages: 2);

        Assert.That(pulled, Has.Count.EqualTo(2));
    }

    [Test, CancelAfter(10_000)]
    public async Task Pull_NothingAvailable_WaitsForNextPublish(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var pull = Server.Subscriber.PullAsync(new PullRequest { Subscription = subscription, MaxMessages = 10 }, cancellationToken: ct);

        await Server.PublishAsync(topic, ["awaited"], ct);
        var response = await pull.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(5), ct);

        Assert.That(response.ReceivedMessages.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "awaited" }));
    }

    [Test, CancelAfter(10_000)]
    public async Task Acknowledge_ThenDeadlinePasses_NotRedelivered(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["once"], ct);
        var pulled = await Server.PullNowAsync(subscription, ct);

        await Server.AcknowledgeAsync(subscription, pulled, ct);
        Server.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.Empty);
            Assert.That(Server.Emulator.GetStats(subscription), Is.EqualTo(new SubscriptionStats(0, 0, 1, 1, 0, 0)));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_AcksOnStream_CountedAsAcked(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["s1", "s2"], ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);

        var received = await stream.ReadMessagesAsync(2, ct);
        await stream.AckAsync(received, ct);
        await Server.PublishAsync(topic, ["s3"], ct);
        var next = await stream.ReadMessagesAsync(1, ct);

        Assert.Multiple(() =>
        {
            Assert.That(received.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "s1", "s2" }));
            Assert.That(next.Single().Message.Data.ToStringUtf8(), Is.EqualTo("s3"));
            // Acks on the stream were applied before the third message was read, as they are written first on one ordered stream.
            Assert.That(Server.Emulator.GetStats(subscription).Acked, Is.EqualTo(2));
        });
    }
}
