using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Subscribing;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Tests.Subscribing;

public class AckSenderTests
{
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
    public async Task Send_Success_CompletesEveryId(CancellationToken cancellationToken)
    {
        var (batch, outcomes) = Batch(AckKind.Ack, "a", "b");

        await Sender(exactlyOnce: false).SendAsync(batch, cancellationToken);

        Assert.That(await Task.WhenAll(outcomes), Is.All.EqualTo(AckOutcome.Succeeded));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Send_ExactlyOncePerIdErrors_PermanentReportedTransientRetried(CancellationToken cancellationToken)
    {
        _transport.FailNext(_ => ExactlyOnceError(("a", "PERMANENT_FAILURE_INVALID_ACK_ID"), ("b", "TRANSIENT_FAILURE_UNORDERED_ACK_ID")));
        var (batch, outcomes) = Batch(AckKind.Ack, "a", "b", "c");

        var sending = Sender(exactlyOnce: true).SendAsync(batch, cancellationToken);
        await AdvanceUntilAsync(() => sending.IsCompleted, cancellationToken);
        await sending;

        var calls = Drain();
        Assert.Multiple(() =>
        {
            Assert.That(outcomes[0].Result, Is.EqualTo(new AckOutcome(AckStatus.PermanentFailure, "PERMANENT_FAILURE_INVALID_ACK_ID")));
            Assert.That(outcomes[1].Result, Is.EqualTo(AckOutcome.Succeeded));
            Assert.That(outcomes[2].Result, Is.EqualTo(AckOutcome.Succeeded));
            Assert.That(calls.Select(c => c.Ids), Is.EqualTo(new[] { new[] { "a", "b", "c" }, new[] { "b" } }));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Send_TransientCode_RetriedWithBackoffInVirtualTime(CancellationToken cancellationToken)
    {
        _transport.FailNext(StatusCode.Unavailable);
        _transport.FailNext(StatusCode.Unavailable);
        var (batch, outcomes) = Batch(AckKind.Ack, "a");

        var sending = Sender(exactlyOnce: false).SendAsync(batch, cancellationToken);
        Assert.That(sending.IsCompleted, Is.False, "waits for its backoff");
        await AdvanceUntilAsync(() => sending.IsCompleted, cancellationToken);
        await sending;

        Assert.Multiple(() =>
        {
            Assert.That(outcomes[0].Result, Is.EqualTo(AckOutcome.Succeeded));
            Assert.That(Drain(), Has.Count.EqualTo(3));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Send_ExtensionKeepsFailing_GivesUpAfterTenSecondBudget(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20; i++)
        {
            _transport.FailNext(StatusCode.Unavailable);
        }

        var (batch, outcomes) = Batch(AckKind.Extend, "a");
        var started = _time.GetUtcNow();

        var sending = Sender(exactlyOnce: false).SendAsync(batch, cancellationToken);
        await AdvanceUntilAsync(() => sending.IsCompleted, cancellationToken);
        await sending;

        Assert.Multiple(() =>
        {
            Assert.That(outcomes[0].Result.Status, Is.EqualTo(AckStatus.TransientFailure));
            Assert.That(_time.GetUtcNow() - started, Is.LessThanOrEqualTo(AckSender.LeaseRetryBudget + TimeSpan.FromMilliseconds(250)));
            Assert.That(Drain(), Has.Count.InRange(2, 5));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task Send_NonRetryableCode_PermanentFailureAtOnce(CancellationToken cancellationToken)
    {
        _transport.FailNext(StatusCode.InvalidArgument);
        var (batch, outcomes) = Batch(AckKind.Nack, "a", "b");

        await Sender(exactlyOnce: false).SendAsync(batch, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Select(o => o.Result.Status), Is.All.EqualTo(AckStatus.PermanentFailure));
            Assert.That(Drain(), Has.Count.EqualTo(1));
        });
    }

    private AckSender Sender(bool exactlyOnce) => new(_transport, _time, () => exactlyOnce, NullLogger.Instance);

    private static (AckBatch Batch, Task<AckOutcome>[] Outcomes) Batch(AckKind kind, params string[] ids)
    {
        var sources = ids.Select(_ => new TaskCompletionSource<AckOutcome>()).ToArray();
        var items = ids.Select((id, i) => new PendingAck(id, o => sources[i].TrySetResult(o))).ToList();
        return (new AckBatch(kind, kind == AckKind.Ack ? 0 : 60, items, 0), sources.Select(s => s.Task).ToArray());
    }

    private List<(string Method, int Deadline, IReadOnlyList<string> Ids)> Drain()
    {
        var calls = new List<(string, int, IReadOnlyList<string>)>();
        while (_transport.Calls.Reader.TryRead(out var call))
        {
            calls.Add(call);
        }

        return calls;
    }

    /// <summary>Moves virtual time in small steps until the condition holds; timers fire as their time comes.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal static RpcException ExactlyOnceError(params (string AckId, string Result)[] results)
    {
        var trailers = new Metadata { { ErrorInfo.StatusDetailsTrailer, ErrorInfoEncoding.Status(StatusCode.InvalidArgument, "EXACTLY_ONCE_ACKID_FAILURE", results) } };
        return new RpcException(new Status(StatusCode.InvalidArgument, "Some acknowledgement ids in the request were invalid."), trailers);
    }
}
