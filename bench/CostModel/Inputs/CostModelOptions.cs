using PullWorker.CostModel.Pricing;

namespace PullWorker.CostModel.Inputs;

/// <summary>The deployment and prices of one run of the program, and where the per-VM throughput came from.</summary>
public sealed record CostModelOptions
{
    public DeploymentInputs Deployment { get; init; } = new();

    public Prices Prices { get; init; } = new();

    /// <summary>Printed beside the throughput, so an assumed default can never pass for a measurement.</summary>
    public string ThroughputSource { get; init; } =
        $"ASSUMED: {DeploymentInputs.AssumedCpuJobsPerSecond} jobs/s on 4 vCPUs (placeholder, nothing measured yet) x {DeploymentInputs.AssumedGpuOverCpuFactor} (GPU/CPU factor, assumed)";
}
