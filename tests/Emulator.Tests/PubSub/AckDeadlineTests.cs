using Google.Cloud.PubSub.V1;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class AckDeadlineTests : PubSubTestBase
{
    [Test, CancelAfter(10_000)]
    public async Task Pull_DeadlinePasses_RedeliveredWithNewAckId(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { AckDeadlineSeconds = 20 });
        await Server.PublishAsync(topic, ["late"], ct);
        var first = (await Server.PullNowAsync(subscription, ct)).Single();

        Server.Time.Advance(TimeSpan.FromSeconds(19.9));
        var beforeDeadline = await Server.PullNowAsync(subscription, ct);
        Server.Time.Advance(TimeSpan.FromSeconds(0.1));
        var afterDeadline = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(beforeDeadline, Is.Empty);
            Assert.That(afterDeadline.Single().Message.MessageId, Is.EqualTo(first.Message.MessageId));
            Assert.That(afterDeadline.Single().AckId, Is.Not.EqualTo(first.AckId));
            Assert.That(Server.Emulator.GetStats(subscription).Expired, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task Acknowledge_StaleAckIdAfterRedelivery_IgnoredAndCurrentOneWorks(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["twice"], ct);
        var first = await Server.PullNowAsync(subscription, ct);
        Server.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await Server.PullNowAsync(subscription, ct);

        await Server.AcknowledgeAsync(subscription, first, ct);
        var afterStaleAck = Server.Emulator.GetStats(subscription);
        await Server.AcknowledgeAsync(subscription, second, ct);

        Assert.Multiple(() =>
        {
            Assert.That(afterStaleAck.Outstanding, Is.EqualTo(1));
            Assert.That(Server.Emulator.GetStats(subscription).Backlog, Is.Zero);
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task ModifyAckDeadline_Extends_RedeliveryOnlyAfterNewDeadline(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["slow"], ct);
        var message = (await Server.PullNowAsync(subscription, ct)).Single();

        Server.Time.Advance(TimeSpan.FromSeconds(5));
        await Server.ModifyAckDeadlineAsync(subscription, message, 30, ct);
        Server.Time.Advance(TimeSpan.FromSeconds(29));
        var beforeNewDeadline = await Server.PullNowAsync(subscription, ct);
        Server.Time.Advance(TimeSpan.FromSeconds(1));
        var afterNewDeadline = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(beforeNewDeadline, Is.Empty, "the original 10 s deadline must have been replaced");
            Assert.That(afterNewDeadline, Has.Count.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task ModifyAckDeadline_Zero_RedeliversImmediately(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["nacked"], ct);
        var message = (await Server.PullNowAsync(subscription, ct)).Single();

        await Server.ModifyAckDeadlineAsync(subscription, message, 0, ct);
        var redelivered = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(redelivered.Single().Message.MessageId, Is.EqualTo(message.Message.MessageId));
            Assert.That(Server.Emulator.GetStats(subscription).Nacked, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_StreamDeadlineShorterThanSubscriptions_ExpiresOnStreamDeadline(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { AckDeadlineSeconds = 600 });
        await Server.PublishAsync(topic, ["streamed"], ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 15 }, ct);
        var first = (await stream.ReadMessagesAsync(1, ct)).Single();

        Server.Time.Advance(TimeSpan.FromSeconds(15));
        var redelivered = (await stream.ReadMessagesAsync(1, ct)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(redelivered.Message.MessageId, Is.EqualTo(first.Message.MessageId));
            Assert.That(Server.Emulator.GetStats(subscription).Expired, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_StreamDeadlineLongerThanSubscriptions_NotExpiredOnSubscriptionDeadline(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct, new Subscription { AckDeadlineSeconds = 10 });
        await Server.PublishAsync(topic, ["streamed"], ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 60 }, ct);
        await stream.ReadMessagesAsync(1, ct);

        Server.Time.Advance(TimeSpan.FromSeconds(59));
        var beforeStreamDeadline = Server.Emulator.GetStats(subscription).Expired;
        Server.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(beforeStreamDeadline, Is.Zero);
            Assert.That(Server.Emulator.GetStats(subscription).Expired, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_ModackOnStream_ExtendsAndNacks(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["kept", "nacked"], ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);
        var received = await stream.ReadMessagesAsync(2, ct);

        await stream.WriteAsync(new StreamingPullRequest
        {
            ModifyDeadlineAckIds = { received[0].AckId, received[1].AckId },
            ModifyDeadlineSeconds = { 120, 0 },
        }, ct);
        var redelivered = (await stream.ReadMessagesAsync(1, ct)).Single();
        Server.Time.Advance(TimeSpan.FromSeconds(119));

        Assert.Multiple(() =>
        {
            Assert.That(redelivered.Message.Data.ToStringUtf8(), Is.EqualTo("nacked"));
            Assert.That(Server.Emulator.GetStats(subscription).Expired, Is.EqualTo(1), "only the redelivered nacked message, on its 10 s deadline");
        });
    }
}
