namespace PullWorker.CostModel.Simulation;

/// <summary>What one run produced. Times are from the first arrival (t = 0).</summary>
/// <param name="Jobs">Jobs published (each acknowledged exactly once).</param>
/// <param name="DrainTime">When the last job was acknowledged.</param>
/// <param name="EndTime">When the run stopped: the group back at zero VMs, or the end of the given period.</param>
/// <param name="BilledVmHours">VM-hours billed, with the one-minute minimum.</param>
/// <param name="PeakVms">Most VMs alive at once.</param>
/// <param name="Preemptions">VMs taken back by Spot.</param>
/// <param name="JobsReturnedToBacklog">Leased jobs whose VM was preempted or removed before acking them.</param>
/// <param name="Deliveries">Jobs delivered to a VM, redeliveries included.</param>
/// <param name="FirstScaleOut">When the first VM was created by the autoscaler (null for a warm start that never scaled).</param>
public sealed record SimulationResult(
    int Jobs,
    TimeSpan DrainTime,
    TimeSpan EndTime,
    double BilledVmHours,
    int PeakVms,
    int Preemptions,
    long JobsReturnedToBacklog,
    long Deliveries,
    TimeSpan? FirstScaleOut);
