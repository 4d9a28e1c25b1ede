using PullWorker.CostModel.Pricing;

namespace PullWorker.CostModel.Tests.Pricing;

public sealed class ClassACrossoverTests
{
    [Test]
    public void SteadyStateJobsPerSecond_IsVmPricePerSecondOverWritePricePerJob()
    {
        // $0.36/h = $0.0001/s; one write = $0.000005; equal at 20 jobs/s.
        Assert.That(ClassACrossover.SteadyStateJobsPerSecond(0.36m, new Prices()), Is.EqualTo(20).Within(1e-9));
    }

    [Test]
    public void SteadyStateJobsPerSecond_TwoWritesPerJob_HalvesTheCrossover()
    {
        Assert.That(ClassACrossover.SteadyStateJobsPerSecond(0.36m, new Prices { ClassAOpsPerJob = 2 }), Is.EqualTo(10).Within(1e-9));
    }

    [Test]
    public void FromSweep_SignChange_InterpolatesOnLogScale()
    {
        var sweep = new List<(double, CostBreakdown)>
        {
            (1, Cost(vm: 5, classA: 1)),
            (10, Cost(vm: 2, classA: 1)),
            (1000, Cost(vm: 0, classA: 1)), // Class A − VM goes from −1 to +1: halfway on log10, i.e. 100
        };

        Assert.That(ClassACrossover.FromSweep(sweep), Is.EqualTo(100).Within(1e-9));
    }

    [Test]
    public void FromSweep_VmAlwaysDearer_IsNull()
    {
        var sweep = new List<(double, CostBreakdown)> { (1, Cost(vm: 5, classA: 1)), (10, Cost(vm: 2, classA: 1)) };

        Assert.That(ClassACrossover.FromSweep(sweep), Is.Null);
    }

    private static CostBreakdown Cost(decimal vm, decimal classA) => new(1, vm, classA, 0);
}
