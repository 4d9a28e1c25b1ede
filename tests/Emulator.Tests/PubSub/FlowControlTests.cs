using Google.Cloud.PubSub.V1;
using Google.Protobuf;

namespace PullWorker.Emulator.Tests.PubSub;

public sealed class FlowControlTests : PubSubTestBase
{
    [Test, CancelAfter(20_000)]
    public async Task StreamingPull_MaxOutstandingMessages_NeverExceeded(CancellationToken ct)
    {
        const int Limit = 7;
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, Enumerable.Range(0, 300).Select(i => $"m{i}"), ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest
        {
            Subscription = subscription, StreamAckDeadlineSeconds = 60, MaxOutstandingMessages = Limit,
        }, ct);

        var (received, peak) = await ReceiveHoldingHalfAsync(stream, 300, Limit, message => 1, ct);

        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.EqualTo(Limit), "outstanding count must reach the limit and never pass it");
            Assert.That(received, Is.Unique.And.Count.EqualTo(300));
        });
    }

    [Test, CancelAfter(20_000)]
    public async Task StreamingPull_MaxOutstandingBytes_NeverExceeded(CancellationToken ct)
    {
        const long Limit = 5_000;
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        var random = new Random(42);
        var request = new PublishRequest { Topic = topic };
        request.Messages.AddRange(Enumerable.Range(0, 200).Select(_ => new PubsubMessage { Data = ByteString.CopyFrom(new byte[random.Next(100, 1500)]) }));
        await Server.Publisher.PublishAsync(request, cancellationToken: ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest
        {
            Subscription = subscription, StreamAckDeadlineSeconds = 60, MaxOutstandingBytes = Limit,
        }, ct);

        var (received, peak) = await ReceiveHoldingHalfAsync(stream, 200, Limit, message => message.CalculateSize(), ct);

        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.LessThanOrEqualTo(Limit).And.GreaterThan(Limit - 1600), "outstanding bytes must approach the limit, never pass it");
            Assert.That(received, Is.Unique.And.Count.EqualTo(200));
        });
    }

    [Test, CancelAfter(20_000)]
    public async Task StreamingPull_MessageLargerThanByteLimit_DeliveredAloneWhenNothingOutstanding(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        var request = new PublishRequest { Topic = topic };
        request.Messages.AddRange(Enumerable.Range(0, 3).Select(_ => new PubsubMessage { Data = ByteString.CopyFrom(new byte[1_000]) }));
        await Server.Publisher.PublishAsync(request, cancellationToken: ct);
        using var stream = await Server.OpenStreamAsync(new StreamingPullRequest
        {
            Subscription = subscription, StreamAckDeadlineSeconds = 60, MaxOutstandingBytes = 100,
        }, ct);

        var batchSizes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var response = await stream.ReadAsync(ct);
            batchSizes.Add(response.ReceivedMessages.Count);
            await stream.AckAsync(response.ReceivedMessages, ct);
        }

        Assert.That(batchSizes, Is.EqualTo(new[] { 1, 1, 1 }));
    }

    [Test, CancelAfter(20_000)]
    public async Task StreamingPull_LimitsArePerStream_SecondStreamGetsItsOwnBudget(CancellationToken ct)
    {
        var (topic, subscription) = await Server.CreateTopicAndSubscriptionAsync(ct);
        await Server.PublishAsync(topic, Enumerable.Range(0, 10).Select(i => $"m{i}"), ct);
        var first = new StreamingPullRequest { Subscription = subscription, StreamAckDeadlineSeconds = 60, MaxOutstandingMessages = 3 };
        using var streamA = await Server.OpenStreamAsync(first, ct);
        var fromA = await streamA.ReadMessagesAsync(3, ct);
        using var streamB = await Server.OpenStreamAsync(first, ct);
        var fromB = await streamB.ReadMessagesAsync(3, ct);

        Assert.Multiple(() =>
        {
            Assert.That(fromA, Has.Count.EqualTo(3));
            Assert.That(fromB, Has.Count.EqualTo(3));
            Assert.That(fromA.Concat(fromB).Select(m => m.Message.MessageId), Is.Unique);
            Assert.That(Server.Emulator.GetStats(subscription).Outstanding, Is.EqualTo(6));
        });
    }

    /// <summary>
    /// Reads until <paramref name="total"/> messages arrived, holding messages between responses: after each
    /// response it acks the oldest until at most half of <paramref name="limit"/> stays outstanding, so a
    /// server that ignored outstanding messages would overflow. The client's outstanding figure is never above
    /// the server's (acks are sent before they are counted), so a peak above the limit is a server violation.
    /// </summary>
    private static async Task<(List<string> MessageIds, long Peak)> ReceiveHoldingHalfAsync(
        StreamingPullProbe stream, int total, long limit, Func<PubsubMessage, long> weight, CancellationToken ct)
    {
        var ids = new List<string>();
        var held = new Queue<ReceivedMessage>();
        long outstanding = 0, peak = 0;
        while (ids.Count < total)
        {
            var response = await stream.ReadAsync(ct);
            foreach (var message in response.ReceivedMessages)
            {
                held.Enqueue(message);
                outstanding += weight(message.Message);
                ids.Add(message.Message.MessageId);
            }

            peak = Math.Max(peak, outstanding);
            var toAck = new List<ReceivedMessage>();
            while (outstanding > limit / 2 && held.TryDequeue(out var oldest))
            {
                toAck.Add(oldest);
                outstanding -= weight(oldest.Message);
            }

            if (toAck.Count > 0)
            {
                await stream.AckAsync(toAck, ct);
            }
        }

        return (ids, peak);
    }
}
