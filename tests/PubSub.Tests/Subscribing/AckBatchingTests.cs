using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Tests.Subscribing;

public class AckBatchingTests
{
    private const string Subscription = "projects/p-12345/subscriptions/s";

    [Test]
    public void Split_ShortIds_CapsAt2500PerRequest()
    {
        var items = Ids(6000, length: 20);

        var batches = AckBatching.Split(items, AckBatching.FixedBytes(Subscription));

        Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 2500, 2500, 1000 }));
    }

    [Test]
    public void Split_LongIds_KeepsEveryRequestUnder512KiB()
    {
        // 3,000 IDs of 200 bytes overflowed 512 KiB in nodejs-pubsub#1864.
        var items = Ids(3000, length: 200);

        var batches = AckBatching.Split(items, AckBatching.FixedBytes(Subscription));

        Assert.Multiple(() =>
        {
            Assert.That(batches.Sum(b => b.Count), Is.EqualTo(3000));
            Assert.That(batches, Has.Count.GreaterThan(1));
            foreach (var batch in batches)
            {
                var request = new ModifyAckDeadlineRequest { Subscription = Subscription, AckDeadlineSeconds = 600, AckIds = { batch.Select(i => i.AckId) } };
                Assert.That(request.CalculateSize(), Is.LessThan(AckBatching.MaxRequestBytes));
            }
        });
    }

    [Test]
    public void Split_ComputedBytes_MatchSerializedRequest()
    {
        var items = Ids(37, length: 164);
        var request = new ModifyAckDeadlineRequest { Subscription = Subscription, AckDeadlineSeconds = 600, AckIds = { items.Select(i => i.AckId) } };

        var computed = AckBatching.FixedBytes(Subscription) + items.Sum(i => AckBatching.IdBytes(i.AckId));

        Assert.That(computed, Is.EqualTo(request.CalculateSize()));
    }

    [Test]
    public void Split_Empty_NoRequests()
    {
        Assert.That(AckBatching.Split([], 10), Is.Empty);
    }

    private static List<PendingAck> Ids(int count, int length) =>
        Enumerable.Range(0, count).Select(i => new PendingAck(i.ToString("D8") + new string('x', length - 8), null)).ToList();
}
