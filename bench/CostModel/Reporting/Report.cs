using System.Globalization;
using PullWorker.CostModel.Inputs;
using PullWorker.CostModel.Pricing;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Reporting;

/// <summary>The four tables of the cost model: two bursts, a daily pattern and the Class A crossover sweep.</summary>
public static class Report
{
    private static readonly double[] s_sweepJobsPerSecond = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];
    private static readonly int[] s_sweepBurstJobs = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

    public static void Write(TextWriter output, CostModelOptions options)
    {
        output.WriteLine(Inputs(options));
        output.WriteLine("1. Burst of 50,000 jobs at t = 0 (the size of the Dataflow ML test, S15: 50,000 images)");
        output.WriteLine(Burst(options, 50_000, withDataflow: true));
        output.WriteLine("2. Burst of 2,000 jobs at t = 0");
        output.WriteLine(Burst(options, 2_000, withDataflow: false));
        output.WriteLine(Daily(options, DailyPattern.BusinessDay));
        output.WriteLine(ThroughputSweep(options, 50_000));
        output.WriteLine(BurstSizeSweep(options));
    }

    private static string Inputs(CostModelOptions options)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var table = new TextTable("input", "value", "source")
            .Add("per-VM throughput", $"{Format.Number(d.JobsPerSecondPerVm, "G")} jobs/s", options.ThroughputSource)
            .Add("VM start-up", $"{d.Startup.Total.TotalSeconds} s", $"boot {d.Startup.Boot.TotalSeconds} (assumed) + driver {d.Startup.GpuDriver.TotalSeconds} (S10, 3P note) + image pull {d.Startup.ImagePull.TotalSeconds} (assumed) + model load {d.Startup.ModelLoad.TotalSeconds} (assumed)")
            .Add("autoscaler", $"min {d.MinVms}, max {d.MaxVms}, {d.BacklogPerVm} msgs/VM", "infra/config.env.example")
            .Add("stabilization", $"{d.StabilizationPeriod.TotalSeconds} s", "S4 (API default 600 s)")
            .Add("autoscaler interval", $"{d.AutoscalerInterval.TotalSeconds} s", "assumed")
            .Add("metric", $"every {d.MetricSamplePeriod.TotalSeconds} s from {d.MetricSampleOffset.TotalSeconds} s, visible after U[{d.MetricDelayMin.TotalSeconds}, {d.MetricDelayMax.TotalSeconds}] s", "S3 (60 s, up to 120 s); offset and uniform assumed")
            .Add("in flight per VM", $"{d.InFlightPerVm} jobs, >= {d.MinimumJobLatency.TotalSeconds} s each", "infra flow control; latency assumed")
            .Add("Spot preemptions", $"{d.PreemptionsPerVmHour} per VM-hour, recreated after {d.RecreateDelay.TotalSeconds} s", "assumed")
            .Add("VM + GPU price", $"Spot ${p.SpotPerVmHour}/h, on-demand ${p.OnDemandPerVmHour}/h", "S11, S12 (catalog snapshot)")
            .Add("GCS Class A", $"${p.ClassAPer10KOps} per 10,000 ops, {p.ClassAOpsPerJob} per job", "S13; one result object per job")
            .Add("Pub/Sub", $"${p.PubSubPerTiB}/TiB, {p.MessageBytes} B per publish and per delivery", "S14; message size assumed")
            .Add("seed", d.Seed.ToString(CultureInfo.InvariantCulture), "metric jitter and preemptions");
        return "Inputs (flags override them; --help lists the flags; sources S1-S15: docs/cost-model.md, section Sources)\n" + table;
    }

    private static string Burst(CostModelOptions options, int jobs, bool withDataflow)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var burst = new Burst(jobs);
        var table = new RunTable();
        var scaledPeriod = PeriodFor(d);
        var scaled = Simulator.Run(d, burst, scaledPeriod);
        table.Add($"autoscaled {d.MinVms}-{d.MaxVms}, Spot", scaled, CostBreakdown.Of(scaled, p.SpotPerVmHour, p));
        if (d.MaxVms > 1)
        {
            var single = Simulator.Run(d with { MinVms = Math.Min(d.MinVms, 1), MaxVms = 1 }, burst, scaledPeriod);
            table.Add($"autoscaled {Math.Min(d.MinVms, 1)}-1, Spot", single, CostBreakdown.Of(single, p.SpotPerVmHour, p));
        }

        var onDemand = Simulator.Run(d with { PreemptionsPerVmHour = 0 }, burst, scaledPeriod);
        table.Add($"autoscaled {d.MinVms}-{d.MaxVms}, on-demand", onDemand, CostBreakdown.Of(onDemand, p.OnDemandPerVmHour, p));
        AddAlwaysOn(table, options, burst, scaled.EndTime, "same period");
        AddAlwaysOn(table, options, burst, TimeSpan.FromDays(1), "24 h");
        if (withDataflow)
        {
            foreach (var figure in DataflowFigure.FiftyThousandImages)
            {
                table.Add(figure);
            }
        }

        return table + "'end' is when the group is back at zero VMs (autoscaled) or the period ends (always-on).\n";
    }

    private static string Daily(CostModelOptions options, DailyPattern pattern)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var table = new RunTable();
        var scaledPeriod = PeriodFor(d);
        var scaled = Simulator.Run(d, pattern, scaledPeriod);
        table.Add($"autoscaled {d.MinVms}-{d.MaxVms}, Spot", scaled, CostBreakdown.Of(scaled, p.SpotPerVmHour, p));
        var onDemand = Simulator.Run(d with { PreemptionsPerVmHour = 0 }, pattern, scaledPeriod);
        table.Add($"autoscaled {d.MinVms}-{d.MaxVms}, on-demand", onDemand, CostBreakdown.Of(onDemand, p.OnDemandPerVmHour, p));
        AddAlwaysOn(table, options, pattern, TimeSpan.FromDays(1), "24 h");
        var hours = string.Join(" ", pattern.JobsPerHour.Select(jobs => jobs.ToString(CultureInfo.InvariantCulture)));
        return $"3. Daily pattern, {pattern.TotalJobs:N0} jobs; jobs per hour from 00:00: {hours}\n"
            + table + "'drained' is when the day's last job was acked; 'end' as above.\n";
    }

    private static void AddAlwaysOn(RunTable table, CostModelOptions options, ArrivalPattern arrivals, TimeSpan period, string label)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var alwaysOn = d with { MinVms = 1, MaxVms = 1, StartWarm = true };
        var spot = Simulator.Run(alwaysOn, arrivals, period);
        table.Add($"1 always-on VM, Spot, {label}", spot, CostBreakdown.Of(spot, p.SpotPerVmHour, p));
        var onDemand = Simulator.Run(alwaysOn with { PreemptionsPerVmHour = 0 }, arrivals, period);
        table.Add($"1 always-on VM, on-demand, {label}", onDemand, CostBreakdown.Of(onDemand, p.OnDemandPerVmHour, p));
    }

    private static string ThroughputSweep(CostModelOptions options, int jobs)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var table = new TextTable("jobs/s per VM", "VM ms/job", "drained min", "VM-h", "VM $", "Class A $", "Class A share", "$/1k jobs");
        var sweep = new List<(double, CostBreakdown)>();
        foreach (var jobsPerSecond in s_sweepJobsPerSecond)
        {
            var run = Simulator.Run(d with { JobsPerSecondPerVm = jobsPerSecond }, new Burst(jobs), PeriodFor(d));
            var cost = CostBreakdown.Of(run, p.SpotPerVmHour, p);
            sweep.Add((jobsPerSecond, cost));
            table.Add(
                Format.Number(jobsPerSecond, "G"), Format.Number(1000 / jobsPerSecond, "G4"), Format.Minutes(run.DrainTime),
                Format.Number(run.BilledVmHours, "F3"), Format.Dollars(cost.Vm), Format.Dollars(cost.ClassA),
                Format.Percent(cost.ClassAShare), Format.Dollars(cost.PerThousandJobs));
        }

        var spotSteady = ClassACrossover.SteadyStateJobsPerSecond(p.SpotPerVmHour, p);
        var onDemandSteady = ClassACrossover.SteadyStateJobsPerSecond(p.OnDemandPerVmHour, p);
        return $"4. When one Class A write per job dominates (a): {jobs:N0}-job burst, Spot, autoscaled {d.MinVms}-{d.MaxVms}, per-VM throughput swept\n"
            + table
            + $"Crossover, VM busy all the time: Class A > VM cost above {Format.Number(spotSteady, "F1")} jobs/s per VM on Spot "
            + $"({Format.Number(1000 / spotSteady, "F0")} ms of VM time per job), above {Format.Number(onDemandSteady, "F1")} jobs/s on-demand.\n"
            + $"Crossover, this burst from zero (start-up and stabilization idle time included): {Crossing(ClassACrossover.FromSweep(sweep), "jobs/s per VM")}\n";
    }

    private static string BurstSizeSweep(CostModelOptions options)
    {
        var (d, p) = (options.Deployment, options.Prices);
        var table = new TextTable("burst jobs", "peak VMs", "drained min", "VM-h", "VM $", "Class A $", "Class A share", "$/1k jobs");
        var sweep = new List<(double, CostBreakdown)>();
        foreach (var jobs in s_sweepBurstJobs)
        {
            var run = Simulator.Run(d, new Burst(jobs), PeriodFor(d));
            var cost = CostBreakdown.Of(run, p.SpotPerVmHour, p);
            sweep.Add((jobs, cost));
            table.Add(
                jobs.ToString(CultureInfo.InvariantCulture), run.PeakVms.ToString(CultureInfo.InvariantCulture), Format.Minutes(run.DrainTime),
                Format.Number(run.BilledVmHours, "F3"), Format.Dollars(cost.Vm), Format.Dollars(cost.ClassA),
                Format.Percent(cost.ClassAShare), Format.Dollars(cost.PerThousandJobs));
        }

        return $"5. When one Class A write per job dominates (b): bursts of growing size, Spot, autoscaled {d.MinVms}-{d.MaxVms}, {Format.Number(d.JobsPerSecondPerVm, "G")} jobs/s per VM\n"
            + table
            + $"Crossover: Class A > VM cost for bursts {Crossing(ClassACrossover.FromSweep(sweep), "jobs")}\n";
    }

    private static string Crossing(double? value, string unit) =>
        value is { } crossing ? $"above {Format.Number(crossing, crossing < 100 ? "F1" : "N0")} {unit}." : "not reached in the sweep.";

    private static TimeSpan? PeriodFor(DeploymentInputs deployment) => deployment.MinVms > 0 ? TimeSpan.FromDays(1) : null;
}
