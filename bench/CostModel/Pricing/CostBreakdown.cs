using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Pricing;

/// <summary>What a run costs, in USD, by item.</summary>
public sealed record CostBreakdown(int Jobs, decimal Vm, decimal ClassA, decimal PubSub)
{
    private const decimal BytesPerTiB = 1024m * 1024 * 1024 * 1024;

    public decimal Total => Vm + ClassA + PubSub;

    public decimal PerThousandJobs => Jobs == 0 ? 0 : Total / Jobs * 1000;

    /// <summary>Class A writes as a share of the total (0 when nothing was spent).</summary>
    public double ClassAShare => Total == 0 ? 0 : (double)(ClassA / Total);

    /// <summary>A run's cost: its billed VM-hours at <paramref name="perVmHour"/>, one Class A op per job, and
    /// Pub/Sub bytes for every publish and every delivery (redeliveries after preemption included).</summary>
    public static CostBreakdown Of(SimulationResult run, decimal perVmHour, Prices prices) =>
        new(run.Jobs, (decimal)run.BilledVmHours * perVmHour, ClassAWrites(run.Jobs, prices), PubSubBytes(run.Jobs + run.Deliveries, prices));

    public static decimal ClassAWrites(long jobs, Prices prices) => jobs * prices.ClassAOpsPerJob * prices.ClassAPerOp;

    public static decimal PubSubBytes(long messages, Prices prices) => messages * prices.MessageBytes / BytesPerTiB * prices.PubSubPerTiB;
}
