using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Simulation;

public sealed class AutoscalerTests
{
    [TestCase(0, 1000, 0, 10, 0)]
    [TestCase(1, 1000, 0, 10, 1)]
    [TestCase(1000, 1000, 0, 10, 1)]
    [TestCase(1001, 1000, 0, 10, 2)]
    [TestCase(50_000, 1000, 0, 4, 4)]
    [TestCase(0, 1000, 1, 4, 1)]
    public void Recommend_SingleInstanceAssignment_IsCeilingOfMetricOverAssignmentClamped(long metric, int perVm, int min, int max, int expected)
    {
        Assert.That(Autoscaler.Recommend(metric, perVm, min, max), Is.EqualTo(expected));
    }

    [Test]
    public void Evaluate_AfterAPeak_ScalesOutAtOnceAndInOnlyWhenThePeakLeavesTheWindow()
    {
        var autoscaler = new Autoscaler(minVms: 0, maxVms: 10, backlogPerVm: 100, TimeSpan.FromSeconds(600));

        Assert.Multiple(() =>
        {
            Assert.That(autoscaler.Evaluate(0, null), Is.Zero, "no metric yet");
            Assert.That(autoscaler.Evaluate(10, 500), Is.EqualTo(5), "scale-out is immediate");
            Assert.That(autoscaler.Evaluate(20, 0), Is.EqualTo(5), "inside the window");
            Assert.That(autoscaler.Evaluate(610, 0), Is.EqualTo(5), "the peak at 10 s is still in [10, 610]");
            Assert.That(autoscaler.Evaluate(620, 0), Is.Zero, "the peak left the window");
        });
    }
}
