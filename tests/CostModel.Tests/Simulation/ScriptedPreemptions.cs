using PullWorker.CostModel.Simulation;

namespace PullWorker.CostModel.Tests.Simulation;

/// <summary>Preempts the listed VMs (by creation order, from 1) the given time after their creation.</summary>
internal sealed class ScriptedPreemptions(Dictionary<int, TimeSpan> afterCreation) : IPreemptionSource
{
    public TimeSpan? TimeToPreemption(int vmId) => afterCreation.TryGetValue(vmId, out var after) ? after : null;
}
