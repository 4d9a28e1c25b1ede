using Microsoft.Extensions.Time.Testing;
using PullWorker.Emulator;

namespace PullWorker.PubSub.Tests.Integration;

/// <summary>The emulator's deadlines run on a fake clock here, so a lease can be watched lapsing without waiting for it.</summary>
public class StreamAckDeadlineTests : EmulatorTestBase
{
    private readonly FakeTimeProvider _emulatorTime = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

    protected override EmulatorOptions EmulatorOptions => EmulatorOptions.DynamicPorts with { Time = _emulatorTime };

    [Test]
    [CancelAfter(30_000)]
    public async Task LearnedLease_SentOnOpenStream_CrashStrandedMessageReturnsAfterIt(CancellationToken cancellationToken)
    {
        var keepAlive = TimeSpan.FromMilliseconds(50);
        // Acks and modacks would wait ten minutes to be sent, so the only leases the emulator knows are the
        // ones the stream asked for: 60 s in the first request, then whatever the keep-alives carry.
        var settings = Settings(streams: 1) with
        {
            AckDeadline = TimeSpan.FromSeconds(60),
            KeepAliveInterval = keepAlive,
            AckFlushInterval = TimeSpan.FromMinutes(10),
        };
        await PublishAsync(1, cancellationToken, prefix: "before");
        var subscriber = await StartSubscriberAsync(settings, cancellationToken);
        var before = await ReadAsync(subscriber.Messages, cancellationToken);

        // Processed at once: the p99 becomes the 10 s floor. The keep-alive carrying it changes nothing the
        // emulator shows until a message is delivered, so give it many ticks to go out.
        before.Ack();
        await Task.Delay(keepAlive * 20, cancellationToken);
        await PublishAsync(1, cancellationToken, prefix: "after");
        await ReadAsync(subscriber.Messages, cancellationToken);

        // A crash: the streams are cut and nothing more is sent, receipt modacks included.
        await subscriber.StopAsync(TimeSpan.Zero, new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        _emulatorTime.Advance(TimeSpan.FromSeconds(11));
        var afterLearnedLease = Emulator.GetStats(Subscription);
        _emulatorTime.Advance(TimeSpan.FromSeconds(50));
        var afterFirstLease = Emulator.GetStats(Subscription);

        Assert.Multiple(() =>
        {
            Assert.That(afterLearnedLease.Expired, Is.EqualTo(1), "the message sent after the update had a 10 s lease");
            Assert.That(afterLearnedLease.Outstanding, Is.EqualTo(1), "the one sent before it still has the first request's 60 s");
            Assert.That(afterFirstLease.Expired, Is.EqualTo(2));
            Assert.That(afterFirstLease.Acked, Is.Zero, "the hard stop sent nothing");
        });
    }
}
