using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Subscribing;

public class LeaseTimingTests
{
    private static readonly SubscriberSettings Settings = new() { Subscription = "projects/p-12345/subscriptions/s" };

    [Test]
    public void Histogram_Empty_HasNoPercentile()
    {
        Assert.That(new ProcessingTimeHistogram().Percentile(99), Is.Null);
    }

    [Test]
    public void Histogram_HundredSamples_P99IsSecondLargestBucket()
    {
        var histogram = new ProcessingTimeHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.Record(TimeSpan.FromSeconds(i * 3));
        }

        Assert.Multiple(() =>
        {
            Assert.That(histogram.Percentile(99), Is.EqualTo(TimeSpan.FromSeconds(297)));
            Assert.That(histogram.Percentile(50), Is.EqualTo(TimeSpan.FromSeconds(150)));
        });
    }

    [Test]
    public void Histogram_OutOfRangeSamples_ClampedTo10And600()
    {
        var histogram = new ProcessingTimeHistogram();
        histogram.Record(TimeSpan.FromMilliseconds(5));
        Assert.That(histogram.Percentile(99), Is.EqualTo(TimeSpan.FromSeconds(10)));

        histogram.Record(TimeSpan.FromHours(2));
        Assert.That(histogram.Percentile(100), Is.EqualTo(TimeSpan.FromSeconds(600)));
    }

    [Test]
    public void Histogram_FractionalSeconds_RoundUp()
    {
        var histogram = new ProcessingTimeHistogram();
        histogram.Record(TimeSpan.FromSeconds(30.2));

        Assert.That(histogram.Percentile(99), Is.EqualTo(TimeSpan.FromSeconds(31)));
    }

    [Test]
    public void Deadline_NoSamples_IsConfiguredAckDeadline()
    {
        var timing = new LeaseTiming(Settings with { AckDeadline = TimeSpan.FromSeconds(42) }, new ProcessingTimeHistogram());

        Assert.That(timing.Deadline, Is.EqualTo(TimeSpan.FromSeconds(42)));
    }

    [Test]
    public void Deadline_FollowsP99WithinBounds()
    {
        var histogram = new ProcessingTimeHistogram();
        var timing = new LeaseTiming(Settings with { MaxAckDeadline = TimeSpan.FromSeconds(120) }, histogram);

        histogram.Record(TimeSpan.FromSeconds(2));
        Assert.That(timing.Deadline, Is.EqualTo(TimeSpan.FromSeconds(10)));

        for (var i = 0; i < 10; i++)
        {
            histogram.Record(TimeSpan.FromSeconds(500));
        }

        Assert.That(timing.Deadline, Is.EqualTo(TimeSpan.FromSeconds(120)));
    }

    [Test]
    public void Deadline_ExactlyOnce_NeverBelow60Seconds()
    {
        var histogram = new ProcessingTimeHistogram();
        histogram.Record(TimeSpan.FromSeconds(1));
        var timing = new LeaseTiming(Settings, histogram) { ExactlyOnce = true };

        Assert.That(timing.Deadline, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [TestCase(60, 15)]
    [TestCase(10, 5)]
    [TestCase(600, 15)]
    [TestCase(20, 10)]
    public void ExtensionMargin_IsWindowButAtMostHalfTheLease(int deadlineSeconds, int expectedSeconds)
    {
        var timing = new LeaseTiming(Settings, new ProcessingTimeHistogram());

        Assert.That(timing.ExtensionMargin(TimeSpan.FromSeconds(deadlineSeconds)), Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
    }
}
