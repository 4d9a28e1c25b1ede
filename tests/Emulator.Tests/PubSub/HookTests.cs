using Google.Cloud.PubSub.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class HookTests : PubSubTestBase
{
    [Test, CancelAfter(10_000)]
    public async Task CloseAllStreams_OpenStream_EndsWithCodeAndLeavesMessagesOutstanding(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 30 }, ct);
        await Server.PublishAsync(topic, ["leased"], ct);
        await stream.ReadMessagesAsync(1, ct);
        var openBefore = Server.Emulator.OpenStreamCount;

        Server.Emulator.CloseAllStreams(StatusCode.Aborted);
        var status = await stream.ReadEndStatusAsync(ct);
        var outstandingAfterClose = Server.Emulator.GetStats(subscription).Outstanding;
        Server.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(openBefore, Is.EqualTo(1));
            Assert.That(status, Is.EqualTo(StatusCode.Aborted));
            Assert.That(outstandingAfterClose, Is.EqualTo(1));
            Assert.That(Server.Emulator.GetStats(subscription).Expired, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task OpenStreamCount_StreamClosedByClient_DropsToZero(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);
        await Server.PublishAsync(topic, ["proves registration"], ct);
        await stream.ReadMessagesAsync(1, ct);
        var whileOpen = Server.Emulator.OpenStreamCount;

        stream.Dispose();
        await WaitUntilAsync(() => Server.Emulator.OpenStreamCount == 0, ct);

        Assert.That(whileOpen, Is.EqualTo(1));
    }

    [Test, CancelAfter(10_000)]
    public async Task InjectErrors_Publish_FailsNextCallsWithoutEffectThenSucceeds(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        Server.Emulator.InjectErrors("Publish", StatusCode.Unavailable, 2);

        var first = await StatusOfAsync(() => Server.PublishAsync(topic, ["lost"], ct));
        var second = await StatusOfAsync(() => Server.PublishAsync(topic, ["lost"], ct));
        var backlogAfterFailures = Server.Emulator.GetStats(subscription).Backlog;
        await Server.PublishAsync(topic, ["kept"], ct);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, second }, Is.All.EqualTo(StatusCode.Unavailable));
            Assert.That(backlogAfterFailures, Is.Zero);
            Assert.That(Server.Emulator.GetStats(subscription).Backlog, Is.EqualTo(1));
        });
    }

    [Test, CancelAfter(10_000)]
    public async Task InjectErrors_StreamingPull_StreamFailsWithCode(CancellationToken ct)
    {
        var (_, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        Server.Emulator.InjectErrors("StreamingPull", StatusCode.ResourceExhausted, 1);

        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);

        Assert.That(await stream.ReadEndStatusAsync(ct), Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [Test]
    public void InjectErrors_UnknownMethod_Throws() =>
        Assert.That(() => Server.Emulator.InjectErrors("Publsh", StatusCode.Unavailable, 1), Throws.ArgumentException);

    [Test, CancelAfter(10_000)]
    public async Task PauseDelivery_WhilePaused_NothingDeliveredUntilResume(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10 }, ct);

        Server.Emulator.PauseDelivery();
        await Server.PublishAsync(topic, ["held"], ct);
        var pulledWhilePaused = await Server.PullNowAsync(subscription, ct);
        var statsWhilePaused = Server.Emulator.GetStats(subscription);
        Server.Emulator.ResumeDelivery();
        var streamed = await stream.ReadMessagesAsync(1, ct);

        Assert.Multiple(() =>
        {
            Assert.That(pulledWhilePaused, Is.Empty);
            Assert.That(statsWhilePaused.Backlog, Is.EqualTo(1));
            Assert.That(statsWhilePaused.Delivered, Is.Zero);
            Assert.That(streamed.Single().Message.Data.ToStringUtf8(), Is.EqualTo("held"));
        });
    }

    [Test]
    public void GetStats_UnknownSubscription_ThrowsKeyNotFound() =>
        Assert.That(() => Server.Emulator.GetStats("projects/p/subscriptions/missing"), Throws.TypeOf<KeyNotFoundException>());

    [Test, CancelAfter(20_000)]
    public async Task RestartAsync_KeepsStateAndEndsStreamsWithUnavailable(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, ["leased", "waiting"], ct);
        using var stream = await Server.OpenStreamAsync(
            new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 10, MaxOutstandingMessages = 1 }, ct);
        var leased = await stream.ReadMessagesAsync(1, ct);
        var hostBefore = Server.Emulator.EmulatorHost;

        // Read as a real client does, while the restart happens: a status still unread when the connection drops is lost with it.
        var streamEnd = stream.ReadEndStatusAsync(ct);
        await Server.Emulator.RestartAsync(TimeSpan.FromMilliseconds(100), ct);
        var streamStatus = await streamEnd;
        using var channel = GrpcChannel.ForAddress($"http://{Server.Emulator.EmulatorHost}");
        var subscriber = new Subscriber.SubscriberClient(channel);
        var stats = Server.Emulator.GetStats(subscription);
#pragma warning disable CS0612
        var afterRestart = await subscriber.PullAsync(new PullRequest { Subscription = subscription, MaxMessages = 10, ReturnImmediately = true }, cancellationToken: ct);
#pragma warning restore CS0612
        Server.Time.Advance(TimeSpan.FromSeconds(10));
#pragma warning disable CS0612
        var afterDeadline = await subscriber.PullAsync(new PullRequest { Subscription = subscription, MaxMessages = 10, ReturnImmediately = true }, cancellationToken: ct);
#pragma warning restore CS0612

        Assert.Multiple(() =>
        {
            Assert.That(Server.Emulator.EmulatorHost, Is.EqualTo(hostBefore));
            Assert.That(streamStatus, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(stats.Outstanding, Is.EqualTo(1), "the message leased before the restart keeps its lease");
            Assert.That(afterRestart.ReceivedMessages.Select(m => m.Message.Data.ToStringUtf8()), Is.EqualTo(new[] { "waiting" }));
            Assert.That(afterDeadline.ReceivedMessages.Select(m => m.Message.MessageId), Does.Contain(leased.Single().Message.MessageId));
        });
    }

    /// <summary>For state with no event to await (a server noticing a client's cancel): bounded polling.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
        {
            await Task.Delay(10, ct);
        }
    }
}
