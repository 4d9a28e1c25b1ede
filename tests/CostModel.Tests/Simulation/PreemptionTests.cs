using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Simulation;

public sealed class PreemptionTests
{
    private const int Jobs = 7_680; // 120 s of work on one VM, in 30 chunks of 256 jobs (4 s each)
    private const double Precision = 1e-9;

    [Test]
    public void Run_WithoutPreemption_ReturnsNothingToTheBacklog()
    {
        var run = Simulator.Run(HandInputs.OneVm, new Burst(Jobs), preemptions: new ScriptedPreemptions([]));

        Assert.Multiple(() =>
        {
            Assert.That(run.Preemptions, Is.Zero);
            Assert.That(run.JobsReturnedToBacklog, Is.Zero);
            Assert.That(run.Deliveries, Is.EqualTo(Jobs));
        });
    }

    [Test]
    public void Run_PreemptionMidChunk_ReturnsTheUnackedJobsAndAReplacementFinishesThem()
    {
        const double PreemptAt = 302; // the chunk leased at 300 s is half done
        var inputs = HandInputs.OneVm;

        var run = Simulator.Run(inputs, new Burst(Jobs), preemptions: new ScriptedPreemptions(new() { [1] = TimeSpan.FromSeconds(PreemptAt) }));

        var unacked = 256 - (int)(HandInputs.JobsPerSecond * (PreemptAt - 300));
        var recreatedAt = PreemptAt + inputs.RecreateDelay.TotalSeconds;
        var drain = HandInputs.StartupSeconds + inputs.RecreateDelay.TotalSeconds + HandInputs.StartupSeconds + (Jobs / HandInputs.JobsPerSecond);
        Assert.Multiple(() =>
        {
            Assert.That(run.Preemptions, Is.EqualTo(1));
            Assert.That(run.JobsReturnedToBacklog, Is.EqualTo(unacked));
            Assert.That(run.Deliveries, Is.EqualTo(Jobs + unacked));
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo(drain).Within(Precision));
            Assert.That(run.BilledVmHours, Is.EqualTo((PreemptAt + (HandInputs.NextSample(drain) - recreatedAt)) / 3600).Within(Precision));
        });
    }

    [Test]
    public void Run_PreemptionInTheFirstMinute_IsNotBilled()
    {
        const double PreemptAt = 30;
        var inputs = HandInputs.OneVm;

        var run = Simulator.Run(inputs, new Burst(Jobs), preemptions: new ScriptedPreemptions(new() { [1] = TimeSpan.FromSeconds(PreemptAt) }));

        var recreatedAt = PreemptAt + inputs.RecreateDelay.TotalSeconds;
        var drain = recreatedAt + HandInputs.StartupSeconds + (Jobs / HandInputs.JobsPerSecond);
        Assert.Multiple(() =>
        {
            Assert.That(run.JobsReturnedToBacklog, Is.Zero, "the VM was still starting");
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo(drain).Within(Precision));
            Assert.That(run.BilledVmHours, Is.EqualTo((HandInputs.NextSample(drain) - recreatedAt) / 3600).Within(Precision));
        });
    }

    [TestCase(30, false, 60)]
    [TestCase(30, true, 0)]
    [TestCase(90, true, 90)]
    [TestCase(90, false, 90)]
    public void BilledSeconds_OneMinuteMinimum_ExceptSpotPreemptedInItsFirstMinute(double lifetime, bool preempted, double expected)
    {
        Assert.That(Billing.BilledSeconds(lifetime, preempted), Is.EqualTo(expected));
    }

    [Test]
    public void TimeToPreemption_ExponentialRate_AveragesOneOverTheRate()
    {
        const double PerVmHour = 2;
        var preemptions = new ExponentialPreemptions(PerVmHour, seed: 7);

        var meanHours = Enumerable.Range(1, 20_000).Average(vm => preemptions.TimeToPreemption(vm)!.Value.TotalHours);

        Assert.That(meanHours, Is.EqualTo(1 / PerVmHour).Within(3).Percent);
    }

    [Test]
    public void TimeToPreemption_ZeroRate_IsNever()
    {
        Assert.That(new ExponentialPreemptions(0, seed: 7).TimeToPreemption(1), Is.Null);
    }
}
