namespace PullWorker.CostModel.Simulation;

/// <summary>Decides, when a VM is created, how long after its creation Spot takes it back (null: never).</summary>
public interface IPreemptionSource
{
    TimeSpan? TimeToPreemption(int vmId);
}
