using Microsoft.Extensions.Logging.Abstractions;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Subscribing;

public class StreamContextTests
{
    private const string Subscription = "projects/p-12345/subscriptions/s";
    private SubscriberMetrics? _metrics;

    [Test]
    public void KeepAlive_NothingLearned_IsEmpty()
    {
        var context = Context(new() { Subscription = Subscription, AckDeadline = TimeSpan.FromSeconds(60) });
        var first = context.FirstRequest();

        var keepAlive = context.KeepAlive(first.StreamAckDeadlineSeconds);

        Assert.Multiple(() =>
        {
            Assert.That(first.StreamAckDeadlineSeconds, Is.EqualTo(60));
            Assert.That(keepAlive.CalculateSize(), Is.Zero, "an empty request only keeps the stream alive");
        });
    }

    [Test]
    public void KeepAlive_P99LearnedBelowFirstDeadline_CarriesTheNewDeadlineUntilSent()
    {
        var context = Context(new() { Subscription = Subscription, AckDeadline = TimeSpan.FromSeconds(60) });
        var sent = context.FirstRequest().StreamAckDeadlineSeconds;

        context.Timing.Histogram.Record(TimeSpan.FromSeconds(25));
        var update = context.KeepAlive(sent);
        var next = context.KeepAlive(update.StreamAckDeadlineSeconds);

        Assert.Multiple(() =>
        {
            Assert.That(update.StreamAckDeadlineSeconds, Is.EqualTo(25));
            Assert.That(update.Subscription, Is.Empty, "only the first request may name the subscription");
            Assert.That(update.MaxOutstandingMessages, Is.Zero, "flow control may only be set on the first request");
            Assert.That(next.StreamAckDeadlineSeconds, Is.Zero, "once sent, keep-alives are empty again");
        });
    }

    [Test]
    public void KeepAlive_P99AboveMaxAckDeadline_SendsTheClampedDeadline()
    {
        var settings = new SubscriberSettings { Subscription = Subscription, MaxAckDeadline = TimeSpan.FromSeconds(120) };
        var context = Context(settings);
        var sent = context.FirstRequest().StreamAckDeadlineSeconds;

        context.Timing.Histogram.Record(TimeSpan.FromMinutes(30));

        Assert.That(context.KeepAlive(sent).StreamAckDeadlineSeconds, Is.EqualTo(120));
    }

    [TearDown]
    public void DisposeMetrics() => _metrics?.Dispose();

    private StreamContext Context(SubscriberSettings settings)
    {
        _metrics = new SubscriberMetrics(Subscription, () => (0, 0L));
        var timing = new LeaseTiming(settings, new ProcessingTimeHistogram());
        return new StreamContext(Subscription, "client", "identity", settings, timing, _metrics, TimeProvider.System, NullLogger.Instance);
    }
}
