using Grpc.Core;
using PullWorker.PubSub.Publishing;

namespace PullWorker.PubSub.Tests.Integration;

public class PublisherTests : EmulatorTestBase
{
    [Test]
    [CancelAfter(20_000)]
    public async Task Publish_RoundTrip_ReturnsDistinctIdsAndDeliversData(CancellationToken cancellationToken)
    {
        var ids = await PublishAsync(25, cancellationToken, prefix: "job");
        await using var subscriber = await StartSubscriberAsync(Settings(), cancellationToken);
        var bodies = new Dictionary<string, string>();
        while (bodies.Count < 25)
        {
            var message = await ReadAsync(subscriber.Messages, cancellationToken);
            bodies[message.MessageId] = System.Text.Encoding.UTF8.GetString(message.Data.Span);
            message.Ack();
        }

        Assert.Multiple(() =>
        {
            Assert.That(ids.Distinct().Count(), Is.EqualTo(25));
            Assert.That(bodies.Keys, Is.EquivalentTo(ids));
            Assert.That(bodies.Values, Is.EquivalentTo(Enumerable.Range(0, 25).Select(i => $"job-{i}")));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Publish_TransientErrors_Retried(CancellationToken cancellationToken)
    {
        Emulator.InjectErrors("Publish", StatusCode.Unavailable, 2);

        var ids = await PublishAsync(3, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Count.EqualTo(3));
            Assert.That(Emulator.GetStats(Subscription).Backlog, Is.EqualTo(3));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Publish_TopicNotFound_ClearError(CancellationToken cancellationToken)
    {
        await using var publisher = await PubSubPublisher.CreateAsync(
            new PublisherSettings { Topic = $"projects/{Project}/topics/missing" }, Connection, cancellationToken: cancellationToken);

        var error = Assert.ThrowsAsync<PubSubConfigurationException>(() => publisher.PublishAsync(new byte[] { 1 }, cancellationToken: cancellationToken));

        Assert.That(error.Message, Does.Contain($"The topic projects/{Project}/topics/missing does not exist"));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Publish_EmptyMessage_Rejected(CancellationToken cancellationToken)
    {
        await using var publisher = await PubSubPublisher.CreateAsync(new PublisherSettings { Topic = Topic }, Connection, cancellationToken: cancellationToken);

        Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(ReadOnlyMemory<byte>.Empty, cancellationToken: cancellationToken));
    }
}
