using PullWorker.CostModel.Pricing;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Pricing;

public sealed class CostBreakdownTests
{
    [TestCase(50_000, 1)]
    [TestCase(2_000, 1)]
    [TestCase(2_000, 3)]
    public void ClassAWrites_OneObjectPerJob_IsJobsOverTenThousandTimesThePrice(int jobs, int opsPerJob)
    {
        var prices = new Prices { ClassAOpsPerJob = opsPerJob };

        Assert.That(CostBreakdown.ClassAWrites(jobs, prices), Is.EqualTo(jobs * opsPerJob / 10_000m * prices.ClassAPer10KOps));
    }

    [Test]
    public void ClassAWrites_DocumentedPrice_IsFiveThousandthsOfADollarPerThousandWrites()
    {
        Assert.That(CostBreakdown.ClassAWrites(1_000, new Prices()), Is.EqualTo(0.005m));
    }

    [Test]
    public void PubSubBytes_OneTiB_CostsThePricePerTiB()
    {
        var prices = new Prices { MessageBytes = 1024 };

        Assert.That(CostBreakdown.PubSubBytes(1024L * 1024 * 1024, prices), Is.EqualTo(prices.PubSubPerTiB));
    }

    [Test]
    public void PerThousandJobs_IsTotalOverJobsTimesAThousand()
    {
        var cost = new CostBreakdown(Jobs: 2_000, Vm: 1.00m, ClassA: 0.01m, PubSub: 0.002m);

        Assert.Multiple(() =>
        {
            Assert.That(cost.Total, Is.EqualTo(1.012m));
            Assert.That(cost.PerThousandJobs, Is.EqualTo(1.012m / 2));
        });
    }

    [Test]
    public void Of_Run_PricesVmHoursClassAPerJobAndPubSubPerPublishAndDelivery()
    {
        var run = new SimulationResult(
            Jobs: 10_000, DrainTime: TimeSpan.Zero, EndTime: TimeSpan.Zero, BilledVmHours: 0.5, PeakVms: 1,
            Preemptions: 1, JobsReturnedToBacklog: 100, Deliveries: 10_100, FirstScaleOut: null);
        var prices = new Prices();

        var cost = CostBreakdown.Of(run, 0.282m, prices);

        Assert.Multiple(() =>
        {
            Assert.That(cost.Vm, Is.EqualTo(0.141m));
            Assert.That(cost.ClassA, Is.EqualTo(0.05m));
            Assert.That(cost.PubSub, Is.EqualTo(CostBreakdown.PubSubBytes(10_000 + 10_100, prices)));
        });
    }

    [Test]
    public void PerThousandImages_DataflowGpuMobilenet_IsFiveCentsOverFifty()
    {
        var mobilenet = DataflowFigure.FiftyThousandImages[0];

        Assert.That(mobilenet.PerThousandImages, Is.EqualTo(0.05m / 50));
    }
}
