using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Grpc.Core;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class AdminTests : PubSubTestBase
{
    [Test, CancelAfter(10_000)]
    public async Task CreateTopic_Twice_AlreadyExists(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);

        var status = await StatusOfAsync(() => Server.Publisher.CreateTopicAsync(new Topic { Name = topic }, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.AlreadyExists));
    }

    [Test, CancelAfter(10_000)]
    public async Task GetTopic_Existing_ReturnsIt(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);

        var found = await Server.Publisher.GetTopicAsync(new GetTopicRequest { Topic = topic }, cancellationToken: ct);

        Assert.That(found.Name, Is.EqualTo(topic));
    }

    [TestCase("projects/p/topics/t")]
    [TestCase("projects/p/topics/1abc")]
    [TestCase("projects/p/topics/goog-topic")]
    [TestCase("projects/p/topics/has space")]
    [TestCase("projects/p/subscriptions/abc")]
    [TestCase("projects//topics/abc")]
    [TestCase("topics/abc")]
    [TestCase("")]
    [CancelAfter(10_000)]
    public async Task CreateTopic_MalformedName_InvalidArgument(string name, CancellationToken ct)
    {
        var status = await StatusOfAsync(() => Server.Publisher.CreateTopicAsync(new Topic { Name = name }, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task UnknownResources_EveryRpc_NotFound(CancellationToken ct)
    {
        var topic = PubSubTestServer.NewTopicName();
        var subscription = PubSubTestServer.NewSubscriptionName();
        var publish = new PublishRequest { Topic = topic, Messages = { new PubsubMessage { Data = ByteString.CopyFromUtf8("x") } } };
        var ack = new AcknowledgeRequest { Subscription = subscription, AckIds = { "1-0-1" } };

        var statuses = new[]
        {
            await StatusOfAsync(() => Server.Publisher.GetTopicAsync(new GetTopicRequest { Topic = topic }, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Publisher.DeleteTopicAsync(new DeleteTopicRequest { Topic = topic }, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Publisher.PublishAsync(publish, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.CreateSubscriptionAsync(new Subscription { Name = subscription, Topic = topic }, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.GetSubscriptionAsync(new GetSubscriptionRequest { Subscription = subscription }, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Subscription = subscription }, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.PullNowAsync(subscription, ct)),
            await StatusOfAsync(() => Server.Subscriber.AcknowledgeAsync(ack, cancellationToken: ct).ResponseAsync),
        };

        Assert.That(statuses, Is.All.EqualTo(StatusCode.NotFound));
    }

    [Test, CancelAfter(10_000)]
    public async Task CreateSubscription_Twice_AlreadyExists(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);

        var status = await StatusOfAsync(() => Server.Subscriber.CreateSubscriptionAsync(
            new Subscription { Name = subscription, Topic = topic }, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.AlreadyExists));
    }

    [Test, CancelAfter(10_000)]
    public async Task CreateSubscription_DefaultsOmittedSettings_ReportsThem(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        var deadLetterTopic = await Server.CreateTopicAsync(ct);
        var template = new Subscription { DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = deadLetterTopic }, RetryPolicy = new RetryPolicy() };
        var name = await Server.CreateSubscriptionAsync(topic, ct, template);

        var found = await Server.Subscriber.GetSubscriptionAsync(new GetSubscriptionRequest { Subscription = name }, cancellationToken: ct);

        Assert.Multiple(() =>
        {
            Assert.That(found.Topic, Is.EqualTo(topic));
            Assert.That(found.AckDeadlineSeconds, Is.EqualTo(10));
            Assert.That(found.DeadLetterPolicy.MaxDeliveryAttempts, Is.EqualTo(5));
            Assert.That(found.RetryPolicy.MinimumBackoff.ToTimeSpan(), Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(found.RetryPolicy.MaximumBackoff.ToTimeSpan(), Is.EqualTo(TimeSpan.FromSeconds(600)));
        });
    }

    private static IEnumerable<TestCaseData> InvalidSubscriptions()
    {
        yield return new TestCaseData(new Subscription { AckDeadlineSeconds = 9 }).SetName("AckDeadline 9");
        yield return new TestCaseData(new Subscription { AckDeadlineSeconds = 601 }).SetName("AckDeadline 601");
        yield return new TestCaseData(new Subscription { AckDeadlineSeconds = -1 }).SetName("AckDeadline -1");
        yield return new TestCaseData(new Subscription { DeadLetterPolicy = new DeadLetterPolicy { MaxDeliveryAttempts = 4 } }).SetName("MaxDeliveryAttempts 4");
        yield return new TestCaseData(new Subscription { DeadLetterPolicy = new DeadLetterPolicy { MaxDeliveryAttempts = 101 } }).SetName("MaxDeliveryAttempts 101");
        yield return new TestCaseData(new Subscription { DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = "nope" } }).SetName("Malformed dead-letter topic");
        yield return new TestCaseData(new Subscription
        {
            RetryPolicy = new RetryPolicy
            {
                MinimumBackoff = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(60)),
                MaximumBackoff = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            },
        }).SetName("Minimum backoff above maximum");
        yield return new TestCaseData(new Subscription
        {
            RetryPolicy = new RetryPolicy { MaximumBackoff = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(601)) },
        }).SetName("Maximum backoff 601 s");
    }

    [TestCaseSource(nameof(InvalidSubscriptions)), CancelAfter(10_000)]
    public async Task CreateSubscription_InvalidSettings_InvalidArgument(Subscription template, CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        var deadLetterTopic = await Server.CreateTopicAsync(ct);
        var request = template.Clone();
        request.Name = PubSubTestServer.NewSubscriptionName();
        request.Topic = topic;
        if (request.DeadLetterPolicy is { DeadLetterTopic.Length: 0 } policy)
        {
            policy.DeadLetterTopic = deadLetterTopic;
        }

        var status = await StatusOfAsync(() => Server.Subscriber.CreateSubscriptionAsync(request, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task CreateSubscription_MissingDeadLetterTopic_NotFound(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        var template = new Subscription { DeadLetterPolicy = new DeadLetterPolicy { DeadLetterTopic = PubSubTestServer.NewTopicName() } };

        var status = await StatusOfAsync(() => Server.CreateSubscriptionAsync(topic, ct, template));

        Assert.That(status, Is.EqualTo(StatusCode.NotFound));
    }

    [Test, CancelAfter(10_000)]
    public async Task DeleteTopic_WithSubscription_DetachesButKeepsMessages(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["kept"], ct);

        await Server.Publisher.DeleteTopicAsync(new DeleteTopicRequest { Topic = topic }, cancellationToken: ct);
        var found = await Server.Subscriber.GetSubscriptionAsync(new GetSubscriptionRequest { Subscription = subscription }, cancellationToken: ct);
        var pulled = await Server.PullNowAsync(subscription, ct);

        Assert.Multiple(() =>
        {
            Assert.That(found.Topic, Is.EqualTo("_deleted-topic_"));
            Assert.That(pulled.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "kept" }));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task Publish_NoMessages_InvalidArgument(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);

        var status = await StatusOfAsync(() => Server.Publisher.PublishAsync(new PublishRequest { Topic = topic }, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task Publish_MessageWithoutDataOrAttributes_InvalidArgument(CancellationToken ct)
    {
        var topic = await Server.CreateTopicAsync(ct);
        var request = new PublishRequest { Topic = topic, Messages = { new PubsubMessage() } };

        var status = await StatusOfAsync(() => Server.Publisher.PublishAsync(request, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task UnaryAckAndModack_InvalidArguments_InvalidArgument(CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        var malformedAck = new AcknowledgeRequest { Subscription = subscription, AckIds = { "not-an-ack-id" } };
        var emptyAck = new AcknowledgeRequest { Subscription = subscription };
        var negativeModack = new ModifyAckDeadlineRequest { Subscription = subscription, AckDeadlineSeconds = -1, AckIds = { "1-0-1" } };
        var longModack = new ModifyAckDeadlineRequest { Subscription = subscription, AckDeadlineSeconds = 601, AckIds = { "1-0-1" } };
        var zeroPull = new PullRequest { Subscription = subscription, MaxMessages = 0 };

        var statuses = new[]
        {
            await StatusOfAsync(() => Server.Subscriber.AcknowledgeAsync(malformedAck, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.AcknowledgeAsync(emptyAck, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.ModifyAckDeadlineAsync(negativeModack, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.ModifyAckDeadlineAsync(longModack, cancellationToken: ct).ResponseAsync),
            await StatusOfAsync(() => Server.Subscriber.PullAsync(zeroPull, cancellationToken: ct).ResponseAsync),
        };

        Assert.That(statuses, Is.All.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task DeleteSubscription_Existing_GoneAfterwards(CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);

        await Server.Subscriber.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Subscription = subscription }, cancellationToken: ct);
        var status = await StatusOfAsync(() => Server.Subscriber.GetSubscriptionAsync(
            new GetSubscriptionRequest { Subscription = subscription }, cancellationToken: ct).ResponseAsync);

        Assert.That(status, Is.EqualTo(StatusCode.NotFound));
    }

    [Test, CancelAfter(10_000)]
    public async Task DeleteSubscription_WithWaitingPull_EndsItWithNotFound(CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var pull = Server.Subscriber.PullAsync(new PullRequest { Subscription = subscription, MaxMessages = 1 }, cancellationToken: ct);

        await Server.Subscriber.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Subscription = subscription }, cancellationToken: ct);
        var status = await StatusOfAsync(() => pull.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(5), ct));

        Assert.That(status, Is.EqualTo(StatusCode.NotFound));
    }
}
