using System.Threading.Channels;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PullWorker.PubSub.Subscribing;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Tests.Subscribing;

public class LeaseInventoryTests
{
    private const string Subscription = "projects/p-12345/subscriptions/s";
    private FakeTimeProvider _time = null!;
    private AckQueue _acks = null!;
    private Channel<LeasedMessage> _output = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var sender = new AckSender(new RecordingAckTransport(), _time, () => false, NullLogger.Instance);
        _acks = new AckQueue(Subscription, sender, TimeSpan.FromMilliseconds(100), _time);
    }

    [Test]
    public void Receive_MoreThanMaxMessages_HandsOutOnlyTheLimitAndHoldsTheRest()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 3 });

        inventory.Receive(Messages(10), exactlyOnce: false);

        Assert.Multiple(() =>
        {
            Assert.That(_output.Reader.Count, Is.EqualTo(3));
            Assert.That(inventory.HandedOut.Count, Is.EqualTo(3));
            Assert.That(inventory.HeldCount, Is.EqualTo(7));
            Assert.That(inventory.LeasedCount, Is.EqualTo(10));
            Assert.That(Queued(AckKind.Receipt).Count, Is.EqualTo(10), "every message is leased on receipt");
        });
    }

    [Test]
    public void Ack_WhenAtLimit_HandsOutTheNextHeldMessage()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 2 });
        inventory.Receive(Messages(5), exactlyOnce: false);
        _output.Reader.TryRead(out var first);

        first!.Ack();

        Assert.Multiple(() =>
        {
            Assert.That(inventory.HandedOut.Count, Is.EqualTo(2));
            Assert.That(inventory.HeldCount, Is.EqualTo(2));
            Assert.That(_output.Reader.Count, Is.EqualTo(2));
            Assert.That(Queued(AckKind.Ack).Select(p => p.AckId), Is.EqualTo(new[] { first.AckId }));
        });
    }

    [Test]
    public void Receive_ByteLimit_HandsOutWhatFitsButAlwaysAtLeastOne()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingBytes = 250 });

        inventory.Receive(Messages(4, dataBytes: 100), exactlyOnce: false);
        var sizeOfOne = inventory.HandedOut.Bytes / inventory.HandedOut.Count;

        Assert.Multiple(() =>
        {
            Assert.That(inventory.HandedOut.Count, Is.EqualTo((int)(250 / sizeOfOne)));
            Assert.That(inventory.HandedOut.Bytes, Is.LessThanOrEqualTo(250));
        });

        var huge = Inventory(new() { Subscription = Subscription, MaxOutstandingBytes = 10 });
        huge.Receive(Messages(2, dataBytes: 100), exactlyOnce: false);
        Assert.That(huge.HandedOut.Count, Is.EqualTo(1), "a message over the byte limit still goes out alone");
    }

    [Test]
    public void Settle_Twice_Throws()
    {
        var inventory = Inventory(new() { Subscription = Subscription });
        inventory.Receive(Messages(1), exactlyOnce: false);
        _output.Reader.TryRead(out var message);
        message!.Ack();

        Assert.Throws<InvalidOperationException>(() => message.Nack());
    }

    [Test]
    public void Nack_WithDelay_ModacksToThatDelay()
    {
        var inventory = Inventory(new() { Subscription = Subscription });
        inventory.Receive(Messages(2), exactlyOnce: false);
        _output.Reader.TryRead(out var delayed);
        _output.Reader.TryRead(out var immediate);

        delayed!.Nack(TimeSpan.FromSeconds(29.5));
        immediate!.Nack();

        var nacks = _acks.TakeBatches().Where(b => b.Kind == AckKind.Nack).ToDictionary(b => b.DeadlineSeconds, b => b.Items.Single().AckId);
        Assert.That(nacks, Is.EqualTo(new Dictionary<int, string> { [0] = immediate.AckId, [30] = delayed.AckId }));
    }

    [Test]
    public void CollectLeaseWork_ExtendsOnlyLeasesWithinTheMargin()
    {
        var inventory = Inventory(new() { Subscription = Subscription });
        inventory.Receive(Messages(3), exactlyOnce: false);
        _acks.TakeBatches();

        _time.Advance(TimeSpan.FromSeconds(44));
        Assert.That(inventory.CollectLeaseWork(_time.GetUtcNow()).Extended, Is.Zero, "60 s lease, 15 s window: not yet");

        _time.Advance(TimeSpan.FromSeconds(1));
        var work = inventory.CollectLeaseWork(_time.GetUtcNow());
        var extension = _acks.TakeBatches().Single();

        Assert.Multiple(() =>
        {
            Assert.That(work.Extended, Is.EqualTo(3));
            Assert.That(extension.Kind, Is.EqualTo(AckKind.Extend));
            Assert.That(extension.DeadlineSeconds, Is.EqualTo(60));
        });

        _time.Advance(TimeSpan.FromSeconds(44));
        Assert.That(inventory.CollectLeaseWork(_time.GetUtcNow()).Extended, Is.Zero, "the extension renewed the lease");
    }

    [Test]
    public void CollectLeaseWork_AckedMessage_NotExtended()
    {
        var inventory = Inventory(new() { Subscription = Subscription });
        inventory.Receive(Messages(2), exactlyOnce: false);
        _output.Reader.TryRead(out var acked);
        acked!.Ack();

        // The ack taught the histogram a 10 s p99 (margin 5 s); the 60 s receipt lease is due at 55 s.
        _time.Advance(TimeSpan.FromSeconds(55));
        var work = inventory.CollectLeaseWork(_time.GetUtcNow());

        Assert.That(work.Extended, Is.EqualTo(1));
    }

    [Test]
    public void CollectLeaseWork_PastMaxTotalExtension_ReleasesHeldWithNackAndStopsExtendingHandedOut()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 1, MaxTotalAckExtension = TimeSpan.FromMinutes(5) });
        inventory.Receive(Messages(3), exactlyOnce: false);
        _acks.TakeBatches();

        _time.Advance(TimeSpan.FromMinutes(5));
        var work = inventory.CollectLeaseWork(_time.GetUtcNow());
        var nacked = _acks.TakeBatches().Where(b => b.Kind == AckKind.Nack).SelectMany(b => b.Items).Count();

        Assert.Multiple(() =>
        {
            Assert.That(work, Is.EqualTo(new LeaseWork(Extended: 0, Released: 3, ReleasedHandedOut: 1)));
            Assert.That(nacked, Is.EqualTo(2), "held ones go back at once");
            Assert.That(inventory.LeasedCount, Is.Zero);
            Assert.That(inventory.HandedOut.Count, Is.EqualTo(1), "the handler keeps its slot until it settles");
        });
    }

    [Test]
    public void CloseDispatch_NacksHeldAndUnreadMessages()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 3 });
        inventory.Receive(Messages(5), exactlyOnce: false);
        _output.Reader.TryRead(out var withHandler);
        _acks.TakeBatches();

        var nacked = inventory.CloseDispatch(_output.Reader);

        Assert.Multiple(() =>
        {
            Assert.That(nacked, Is.EqualTo(4));
            Assert.That(_acks.TakeBatches().Single().Items, Has.Count.EqualTo(4));
            Assert.That(inventory.HandedOut.Count, Is.EqualTo(1));
            Assert.That(_output.Reader.Completion.IsCompleted, Is.True);
        });
        withHandler!.Ack();
        Assert.That(inventory.HandedOut.Count, Is.Zero);
    }

    [Test]
    public void Receive_AfterCloseDispatch_SetAsideUntilNackLateArrivals()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 3 });
        inventory.CloseDispatch(_output.Reader);
        _acks.TakeBatches();

        inventory.Receive(Messages(2), exactlyOnce: false);
        var queuedBeforeStreamsEnded = _acks.TakeBatches().SelectMany(b => b.Items).Count();
        var nacked = inventory.NackLateArrivals();
        var batches = _acks.TakeBatches();

        Assert.Multiple(() =>
        {
            Assert.That(queuedBeforeStreamsEnded, Is.Zero, "no nack (which frees the closing stream's budget) and no receipt");
            Assert.That(nacked, Is.EqualTo(2));
            Assert.That(batches.Select(b => (b.Kind, b.DeadlineSeconds, b.Items.Count)), Is.EqualTo(new[] { (AckKind.Nack, 0, 2) }));
            Assert.That(inventory.LeasedCount, Is.Zero);
            Assert.That(inventory.HandedOut.Count, Is.Zero, "nothing reaches the reader after the stop");
            Assert.That(inventory.NackLateArrivals(), Is.Zero, "each is nacked once");
        });
    }

    [Test]
    public void Receive_ExactlyOnce_HandsOutOnlyAfterReceiptSucceeds()
    {
        var inventory = Inventory(new() { Subscription = Subscription });
        inventory.Receive(Messages(2), exactlyOnce: true);
        Assert.That(inventory.HandedOut.Count, Is.Zero);

        var receipts = _acks.TakeBatches().Single().Items;
        receipts[0].Complete(AckOutcome.Succeeded);
        receipts[1].Complete(new AckOutcome(AckStatus.PermanentFailure, "PERMANENT_FAILURE_INVALID_ACK_ID"));

        Assert.Multiple(() =>
        {
            Assert.That(inventory.HandedOut.Count, Is.EqualTo(1));
            Assert.That(inventory.LeasedCount, Is.EqualTo(1), "a void ack ID is dropped; the service redelivers");
        });
    }

    [Test]
    public async Task WaitForRoom_HeldQueueFull_CompletesWhenItDrains()
    {
        var inventory = Inventory(new() { Subscription = Subscription, MaxOutstandingMessages = 2 });
        inventory.Receive(Messages(4), exactlyOnce: false);
        var waiting = inventory.WaitForRoomAsync(CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False);

        _output.Reader.TryRead(out var message);
        message!.Ack();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(inventory.HeldCount, Is.EqualTo(1));
    }

    private LeaseInventory Inventory(SubscriberSettings settings)
    {
        _output = Channel.CreateBounded<LeasedMessage>(settings.MaxOutstandingMessages);
        var histogram = new ProcessingTimeHistogram();
        return new LeaseInventory(settings, new LeaseTiming(settings, histogram), histogram, _acks, _output.Writer, _time);
    }

    private List<PendingAck> Queued(AckKind kind) =>
        _acks.TakeBatches().Where(b => b.Kind == kind).SelectMany(b => b.Items).ToList();

    private static int _next;

    private static List<ReceivedMessage> Messages(int count, int dataBytes = 10) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var id = Interlocked.Increment(ref _next);
            return new ReceivedMessage
            {
                AckId = $"ack-{id}",
                Message = new PubsubMessage { MessageId = id.ToString(), Data = ByteString.CopyFrom(new byte[dataBytes]) },
            };
        }).ToList();
}
