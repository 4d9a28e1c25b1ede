using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Simulation;

public sealed class DailyPatternTests
{
    private static DailyPattern OnlyHour(int hour, int jobs) =>
        new(Enumerable.Range(0, 24).Select(h => h == hour ? jobs : 0).ToList());

    [Test]
    public void Arrivals_BusinessDay_PublishEachHoursJobsWithinThatHour()
    {
        var pattern = DailyPattern.BusinessDay;

        var perHour = new int[24];
        foreach (var (seconds, jobs) in pattern.Arrivals())
        {
            perHour[(int)(seconds / 3600)] += jobs;
        }

        Assert.Multiple(() =>
        {
            Assert.That(perHour, Is.EqualTo(pattern.JobsPerHour));
            Assert.That(pattern.Arrivals().Sum(arrival => arrival.Jobs), Is.EqualTo(pattern.TotalJobs));
        });
    }

    [Test]
    public void Run_OneBusyHour_ScalesFromZeroForThatHourOnly()
    {
        // One job a second from 12:00: the 12:00 sample sees the first one, the VM starts then; every later sample
        // coincides with an arrival still in flight; the 13:00 sample sees nothing and the VM goes (no stabilization).
        var run = Simulator.Run(HandInputs.OneVm, OnlyHour(12, 3_600));

        Assert.Multiple(() =>
        {
            Assert.That(run.FirstScaleOut, Is.EqualTo(TimeSpan.FromHours(12)));
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo((13 * 3600) - 1 + (1 / HandInputs.JobsPerSecond)).Within(1e-9));
            Assert.That(run.BilledVmHours, Is.EqualTo(1).Within(1e-9));
        });
    }

    [Test]
    public void Run_AlwaysOnVmForADay_BillsTwentyFourHours()
    {
        var inputs = HandInputs.OneVm with { MinVms = 1, StartWarm = true };

        var run = Simulator.Run(inputs, OnlyHour(12, 3_600), TimeSpan.FromDays(1));

        Assert.Multiple(() =>
        {
            Assert.That(run.BilledVmHours, Is.EqualTo(24).Within(1e-9));
            Assert.That(run.FirstScaleOut, Is.Null);
            Assert.That(run.DrainTime.TotalSeconds, Is.EqualTo((13 * 3600) - 1 + (1 / HandInputs.JobsPerSecond)).Within(1e-9));
        });
    }

    [Test]
    public void Constructor_WrongNumberOfHours_IsRejected()
    {
        Assert.That(() => new DailyPattern([1, 2, 3]), Throws.ArgumentException.With.Message.Contains("24"));
    }
}
