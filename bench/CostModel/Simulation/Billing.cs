namespace PullWorker.CostModel.Simulation;

/// <summary>Compute Engine billing (docs/cost-model.md, Sources S8, S9): one-minute minimum then per second; a Spot VM preempted
/// within its first minute is not billed.</summary>
public static class Billing
{
    public const double MinimumSeconds = 60;

    public static double BilledSeconds(double lifetimeSeconds, bool preempted) =>
        preempted && lifetimeSeconds < MinimumSeconds ? 0 : Math.Max(lifetimeSeconds, MinimumSeconds);
}
