namespace PullWorker.CostModel.Pricing;

/// <summary>
/// USD prices, us-central1, from docs/cost-model.md, Sources S11-S14 (Spot prices change up to daily, S8: check
/// them on the day).
/// Defaults are the g2-standard-4 + 1 L4 shape that infra/ deploys.
/// </summary>
public sealed record Prices
{
    /// <summary>Sourced (Sources S11, a catalog snapshot): g2-standard-4 + L4, Spot, per VM-hour.</summary>
    public decimal SpotPerVmHour { get; init; } = 0.282m;

    /// <summary>Sourced (Sources S11): g2-standard-4 + L4, on-demand, per VM-hour.</summary>
    public decimal OnDemandPerVmHour { get; init; } = 0.707m;

    /// <summary>Sourced (Sources S13): GCS Standard regional Class A, $0.005 per 1,000 operations.</summary>
    public decimal ClassAPer10KOps { get; init; } = 0.05m;

    /// <summary>Sourced (infra/README.md): each job writes one result object, one Class A insert.</summary>
    public int ClassAOpsPerJob { get; init; } = 1;

    /// <summary>Sourced (Sources S14): Pub/Sub throughput, publish plus delivery, per TiB (free tier ignored).</summary>
    public decimal PubSubPerTiB { get; init; } = 40m;

    /// <summary>Assumed: bytes billed per job message on publish and on each delivery (the 1,000-byte minimum is per request).</summary>
    public int MessageBytes { get; init; } = 1000;

    /// <summary>Sourced (Sources S12): n1-standard-4 + T4, the alternative shape.</summary>
    public static Prices T4 { get; } = new() { SpotPerVmHour = 0.227m, OnDemandPerVmHour = 0.54m };

    public decimal ClassAPerOp => ClassAPer10KOps / 10_000m;

    public void Validate()
    {
        if (SpotPerVmHour < 0 || OnDemandPerVmHour < 0 || ClassAPer10KOps < 0 || PubSubPerTiB < 0 || ClassAOpsPerJob < 0 || MessageBytes < 0)
        {
            throw new ArgumentException("Prices, Class A operations per job and message bytes must be >= 0.");
        }
    }
}
