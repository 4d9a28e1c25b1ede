using Google.Cloud.PubSub.V1;
using Grpc.Core;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class HalfCloseTests : PubSubTestBase
{
    /// <summary>
    /// Unlimited flow control and a large backlog keep the writer busy when the client half-closes: a batch
    /// it had already leased to the stream must still be written before the OK status.
    /// </summary>
    [Test, CancelAfter(30_000)]
    public async Task HalfClose_WhileDelivering_EndsWithOkAfterEveryLeasedMessageArrived(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        for (var chunk = 0; chunk < 10; chunk++)
        {
            await Server.PublishAsync(topic, Enumerable.Range(0, 1000).Select(i => $"message {chunk}-{i}"), ct);
        }

        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 60 }, ct);
        var first = (await stream.ReadAsync(ct)).ReceivedMessages.Count;

        await stream.HalfCloseAsync();
        var (rest, status) = await stream.ReadToEndAsync(ct);
        var stats = Server.Emulator.GetStats(subscription);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(StatusCode.OK));
            Assert.That(first + rest, Is.EqualTo(stats.Outstanding), "every message leased to the stream reached the client");
            Assert.That(stats.Backlog, Is.EqualTo(10_000));
        });
    }
}
