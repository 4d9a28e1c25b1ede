using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Simulation;

public sealed class BurstTests
{
    private const double Precision = 1e-9;

    [TestCase(7_680)]
    [TestCase(1_000)]
    [TestCase(100)]
    public void Run_BurstOnOneVmWithoutDelays_DrainsAtStartupPlusJobsOverThroughput(int jobs)
    {
        var run = Simulator.Run(HandInputs.OneVm, new Burst(jobs));

        var drain = HandInputs.StartupSeconds + (jobs / HandInputs.JobsPerSecond);
        var zeroSample = HandInputs.NextSample(drain); // the first sample that sees the backlog gone removes the VM
        Assert.Multiple(() =>
        {
            Assert.That(run.FirstScaleOut, Is.EqualTo(TimeSpan.Zero));
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo(drain).Within(1e-6));
            Assert.That(run.EndTime.TotalSeconds, Is.EqualTo(zeroSample).Within(Precision));
            Assert.That(run.BilledVmHours, Is.EqualTo(zeroSample / 3600).Within(Precision));
            Assert.That(run.PeakVms, Is.EqualTo(1));
            Assert.That(run.Deliveries, Is.EqualTo(jobs));
        });
    }

    [TestCase(2_500, 1_000, 10, 3)]
    [TestCase(2_500, 1_000, 2, 2)]
    [TestCase(1_000, 1_000, 10, 1)]
    [TestCase(1_001, 1_000, 10, 2)]
    [TestCase(50_000, 1_000, 4, 4)]
    public void Run_SingleInstanceAssignment_CreatesCeilingOfBacklogOverAssignmentCappedAtMax(int jobs, int perVm, int maxVms, int expectedVms)
    {
        var inputs = HandInputs.OneVm with { BacklogPerVm = perVm, MaxVms = maxVms };

        var run = Simulator.Run(inputs, new Burst(jobs));

        Assert.That(run.PeakVms, Is.EqualTo(expectedVms));
    }

    [TestCase(0, 0)]
    [TestCase(0, 120)]
    [TestCase(30, 90)]
    [TestCase(30, 120)]
    public void Run_MetricDelay_PostponesFirstScaleOutAndDrainBySampleWaitPlusDelay(int sampleOffset, int delay)
    {
        const int Jobs = 7_680;
        var inputs = HandInputs.OneVm with
        {
            MetricSampleOffset = TimeSpan.FromSeconds(sampleOffset),
            MetricDelayMin = TimeSpan.FromSeconds(delay),
            MetricDelayMax = TimeSpan.FromSeconds(delay),
        };

        var run = Simulator.Run(inputs, new Burst(Jobs));

        Assert.Multiple(() =>
        {
            Assert.That(run.FirstScaleOut?.TotalSeconds, Is.EqualTo(sampleOffset + delay));
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo(sampleOffset + delay + HandInputs.StartupSeconds + (Jobs / HandInputs.JobsPerSecond)).Within(Precision));
        });
    }

    [Test]
    public void Run_MetricDelayJitter_VariesWithTheSeedWithinTheDocumentedBound()
    {
        var inputs = HandInputs.OneVm with { MetricDelayMax = TimeSpan.FromSeconds(120) };

        var firstScaleOuts = Enumerable.Range(1, 12)
            .Select(seed => Simulator.Run(inputs with { Seed = seed }, new Burst(100)).FirstScaleOut!.Value.TotalSeconds)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(firstScaleOuts, Has.All.InRange(0, 120 + inputs.AutoscalerInterval.TotalSeconds));
            Assert.That(firstScaleOuts.Distinct().Count(), Is.GreaterThan(1));
        });
    }

    [TestCase(0)]
    [TestCase(300)]
    [TestCase(600)]
    public void Run_Stabilization_KeepsTheVmForThePeriodAfterTheEmptyBacklogIsSeen(int stabilizationSeconds)
    {
        const int Jobs = 7_680; // drains at 240 + 120 = 360 s, a sample time
        var inputs = HandInputs.OneVm with { StabilizationPeriod = TimeSpan.FromSeconds(stabilizationSeconds) };

        var run = Simulator.Run(inputs, new Burst(Jobs));

        var zeroSeen = HandInputs.StartupSeconds + (Jobs / HandInputs.JobsPerSecond);
        Assert.Multiple(() =>
        {
            Assert.That(run.EndTime.TotalSeconds, Is.EqualTo(zeroSeen + stabilizationSeconds).Within(Precision));
            Assert.That(run.BilledVmHours, Is.EqualTo((zeroSeen + stabilizationSeconds) / 3600).Within(Precision));
        });
    }

    [Test]
    public void Run_MinimumJobLatency_BoundsTheTimeOfASmallChunk()
    {
        var inputs = HandInputs.OneVm with { MinimumJobLatency = TimeSpan.FromSeconds(2) };

        var run = Simulator.Run(inputs, new Burst(64)); // 1 s of work, but no job is acked in under 2 s

        Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo(HandInputs.StartupSeconds + 2).Within(Precision));
    }

    [Test]
    public void Run_SameSeed_ReplaysTheSameRun()
    {
        var inputs = new DeploymentInputs { PreemptionsPerVmHour = 2 };

        var first = Simulator.Run(inputs, new Burst(50_000));
        var second = Simulator.Run(inputs, new Burst(50_000));

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Run_GroupThatNeverScalesToZeroWithoutPeriod_IsRejected()
    {
        var inputs = HandInputs.OneVm with { MinVms = 1 };

        Assert.That(() => Simulator.Run(inputs, new Burst(10)), Throws.ArgumentException.With.Message.Contains("period"));
    }

    [Test]
    public void Run_NoThroughput_IsRejectedNamingTheInput()
    {
        var inputs = HandInputs.OneVm with { JobsPerSecondPerVm = 0 };

        Assert.That(() => Simulator.Run(inputs, new Burst(10)), Throws.ArgumentException.With.Message.Contains(nameof(DeploymentInputs.JobsPerSecondPerVm)));
    }
}
