using PullWorker.CostModel.Pricing;
using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Reporting;

/// <summary>Simulated runs and reference figures side by side, one row each.</summary>
internal sealed class RunTable
{
    private readonly TextTable _table = new(
        "setup", "peak VMs", "1st VM min", "drained min", "end min", "VM-h", "VM $", "Class A $", "Pub/Sub $", "total $", "$/1k jobs", "preempt");

    public void Add(string setup, SimulationResult run, CostBreakdown cost) => _table.Add(
        setup,
        run.PeakVms.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Format.Minutes(run.FirstScaleOut),
        Format.Minutes(run.DrainTime),
        Format.Minutes(run.EndTime),
        Format.Number(run.BilledVmHours, "F3"),
        Format.Dollars(cost.Vm),
        Format.Dollars(cost.ClassA),
        Format.Dollars(cost.PubSub),
        Format.Dollars(cost.Total),
        Format.Dollars(cost.PerThousandJobs),
        run.Preemptions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Add(DataflowFigure figure) => _table.Add(
        figure.Label + " (measured)", "-", "-", Format.Minutes(figure.Duration), "-", "-", "-", "-", "-",
        Format.Dollars(figure.Cost), Format.Dollars(figure.PerThousandImages), "-");

    public override string ToString() => _table.ToString();
}
