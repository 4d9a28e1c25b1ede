using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Tests.Subscribing;

public class ExponentialBackoffTests
{
    [Test]
    public void Next_MaximalJitter_DoublesUpToMaximum()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), 2, () => 1.0);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.That(delays, Is.EqualTo(new[] { 0.5, 1, 2, 4, 8, 16, 30, 30, 30 }));
    }

    [Test]
    public void Next_MinimalJitter_IsHalfTheCeiling()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(64), 2, () => 0.0);

        var delays = Enumerable.Range(0, 3).Select(_ => backoff.Next().TotalSeconds).ToArray();

        Assert.That(delays, Is.EqualTo(new[] { 0.5, 1, 2 }));
    }

    [Test]
    public void Next_RandomJitter_StaysWithinHalfToFullCeiling()
    {
        var random = new Random(1234);
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), 2, random.NextDouble);

        for (var i = 0; i < 50; i++)
        {
            var ceiling = backoff.Ceiling;
            var delay = backoff.Next();
            Assert.That(delay, Is.InRange(ceiling / 2, ceiling));
        }
    }

    [Test]
    public void Reset_AfterGrowth_StartsOver()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 2, () => 1.0);
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.That(backoff.Next(), Is.EqualTo(TimeSpan.FromSeconds(1)));
    }
}
