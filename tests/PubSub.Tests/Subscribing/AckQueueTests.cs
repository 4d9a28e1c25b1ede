using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PullWorker.PubSub.Subscribing;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Tests.Subscribing;

public class AckQueueTests
{
    private const string Subscription = "projects/p-12345/subscriptions/s";
    private FakeTimeProvider _time = null!;
    private RecordingAckTransport _transport = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _transport = new RecordingAckTransport();
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Flush_BelowThreshold_WaitsForTheIntervalThenSendsAcksFirst(CancellationToken cancellationToken)
    {
        var queue = Queue(flushThreshold: 100);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = queue.RunAsync(stop.Token);
        queue.Enqueue(AckKind.Extend, 60, new PendingAck("e", null));
        queue.Enqueue(AckKind.Nack, 0, new PendingAck("n", null));
        queue.Enqueue(AckKind.Ack, 0, new PendingAck("a", null));

        Assert.That(_transport.Calls.Reader.TryRead(out _), Is.False, "nothing before the interval");
        while (!_transport.Calls.Reader.TryPeek(out _))
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }

        queue.Complete();
        await running;
        var calls = new List<string>();
        while (_transport.Calls.Reader.TryRead(out var call))
        {
            calls.Add($"{call.Method}:{call.Deadline}:{string.Join(',', call.Ids)}");
        }

        Assert.That(calls, Is.EqualTo(new[] { "Acknowledge:0:a", "ModifyAckDeadline:0:n", "ModifyAckDeadline:60:e" }));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Flush_ThresholdReached_SendsWithoutWaitingForTheInterval(CancellationToken cancellationToken)
    {
        var queue = Queue(flushThreshold: 3);
        var running = queue.RunAsync(cancellationToken);
        queue.Enqueue(AckKind.Ack, 0, new PendingAck("a", null));
        await Task.Yield();

        queue.Enqueue(AckKind.Ack, 0, [new PendingAck("b", null), new PendingAck("c", null)]);
        var call = await _transport.Calls.Reader.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(call.Ids, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(_time.GetUtcNow(), Is.EqualTo(new FakeTimeProvider().GetUtcNow()), "virtual time never moved");
        });
        queue.Complete();
        await running;
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Enqueue_AfterComplete_ReportsTransientFailure(CancellationToken cancellationToken)
    {
        var queue = Queue(flushThreshold: 10);
        var running = queue.RunAsync(cancellationToken);
        queue.Complete();
        await running;
        var outcome = new TaskCompletionSource<AckOutcome>();

        queue.Enqueue(AckKind.Ack, 0, new PendingAck("late", o => outcome.TrySetResult(o)));

        Assert.That((await outcome.Task.WaitAsync(cancellationToken)).Status, Is.EqualTo(AckStatus.TransientFailure));
    }

    private AckQueue Queue(int flushThreshold) =>
        new(Subscription, new AckSender(_transport, _time, () => false, NullLogger.Instance), TimeSpan.FromMilliseconds(100), _time, flushThreshold);
}
