using Google.Cloud.PubSub.V1;
using Grpc.Core;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class StreamingPullValidationTests : PubSubTestBase
{
    private const string Placeholder = "{subscription}";

    private static IEnumerable<TestCaseData> InvalidFirstRequests()
    {
        yield return new TestCaseData(new StreamingPullRequest { StreamAckDeadlineSeconds = 10 }).SetName("No subscription");
        yield return new TestCaseData(new StreamingPullRequest { Subscription = Placeholder }).SetName("No stream deadline");
        yield return new TestCaseData(new StreamingPullRequest { Subscription = Placeholder, StreamAckDeadlineSeconds = 9 }).SetName("Stream deadline 9");
        yield return new TestCaseData(new StreamingPullRequest { Subscription = Placeholder, StreamAckDeadlineSeconds = 601 }).SetName("Stream deadline 601");
        yield return new TestCaseData(new StreamingPullRequest { Subscription = "projects/p/subscriptions/x", StreamAckDeadlineSeconds = 10 }).SetName("Malformed subscription");
        yield return new TestCaseData(new StreamingPullRequest
        {
            Subscription = Placeholder, StreamAckDeadlineSeconds = 10, ModifyDeadlineAckIds = { "1-0-1" },
        }).SetName("Modack ids without seconds");
    }

    private static IEnumerable<TestCaseData> InvalidFollowUpRequests()
    {
        yield return new TestCaseData(new StreamingPullRequest { Subscription = Placeholder }).SetName("Subscription again");
        yield return new TestCaseData(new StreamingPullRequest { MaxOutstandingMessages = 5 }).SetName("Max messages later");
        yield return new TestCaseData(new StreamingPullRequest { MaxOutstandingBytes = 5 }).SetName("Max bytes later");
        yield return new TestCaseData(new StreamingPullRequest { StreamAckDeadlineSeconds = 5 }).SetName("Stream deadline 5 later");
        yield return new TestCaseData(new StreamingPullRequest { StreamAckDeadlineSeconds = 700 }).SetName("Stream deadline 700 later");
        yield return new TestCaseData(new StreamingPullRequest
        {
            ModifyDeadlineAckIds = { "1-0-1", "1-1-1" }, ModifyDeadlineSeconds = { 10 },
        }).SetName("Unequal modack arrays");
        yield return new TestCaseData(new StreamingPullRequest
        {
            ModifyDeadlineAckIds = { "1-0-1" }, ModifyDeadlineSeconds = { -1 },
        }).SetName("Negative modack deadline");
        yield return new TestCaseData(new StreamingPullRequest { AckIds = { "garbage" } }).SetName("Malformed ack id");
        yield return new TestCaseData(new StreamingPullRequest
        {
            ModifyDeadlineAckIds = { "x-y" }, ModifyDeadlineSeconds = { 10 },
        }).SetName("Malformed modack id");
    }

    [TestCaseSource(nameof(InvalidFirstRequests)), CancelAfter(10_000)]
    public async Task StreamingPull_InvalidFirstRequest_InvalidArgument(StreamingPullRequest first, CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(WithSubscription(first, subscription), ct);

        Assert.That(await stream.ReadEndStatusAsync(ct), Is.EqualTo(StatusCode.InvalidArgument));
    }

    [TestCaseSource(nameof(InvalidFollowUpRequests)), CancelAfter(10_000)]
    public async Task StreamingPull_InvalidFollowUpRequest_InvalidArgument(StreamingPullRequest followUp, CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);

        await stream.WriteAsync(WithSubscription(followUp, subscription), ct);

        Assert.That(await stream.ReadEndStatusAsync(ct), Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_ValidFollowUps_KeepStreamOpen(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);

        await stream.WriteAsync(new StreamingPullRequest(), ct);
        await stream.WriteAsync(new StreamingPullRequest { StreamAckDeadlineSeconds = 600 }, ct);
        await stream.WriteAsync(new StreamingPullRequest { AckIds = { "1-0-1" } }, ct);
        await Server.PublishAsync(topic, ["still open"], ct);

        Assert.That((await stream.ReadMessagesAsync(1, ct)).Single().Message.Data.ToStringUtf8(), Is.EqualTo("still open"));
    }

    [Test, CancelAfter(10_000)]
    public async Task StreamingPull_UnknownSubscription_NotFound(CancellationToken ct)
    {
        using var stream = await Server.OpenStreamAsync(
            new StreamingPullRequest { Subscription = PubSubTestServer.NewSubscriptionName(), StreamAckDeadlineSeconds = 10 }, ct);

        Assert.That(await stream.ReadEndStatusAsync(ct), Is.EqualTo(StatusCode.NotFound));
    }

    [Test, CancelAfter(10_000)]
    public async Task DeleteSubscription_WithOpenStream_EndsItWithNotFound(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);
        await Server.PublishAsync(topic, ["proves the stream is registered"], ct);
        await stream.ReadMessagesAsync(1, ct);

        await Server.Subscriber.DeleteSubscriptionAsync(new DeleteSubscriptionRequest { Subscription = subscription }, cancellationToken: ct);

        Assert.That(await stream.ReadEndStatusAsync(ct), Is.EqualTo(StatusCode.NotFound));
    }

    private static StreamingPullRequest WithSubscription(StreamingPullRequest template, string subscription)
    {
        var request = template.Clone();
        if (request.Subscription == Placeholder)
        {
            request.Subscription = subscription;
        }

        return request;
    }
}
