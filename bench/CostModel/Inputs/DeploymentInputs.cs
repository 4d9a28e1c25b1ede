namespace PullWorker.CostModel.Inputs;

/// <summary>
/// The deployment as the simulator sees it. Each default says where it comes from: "sourced" (a public fact
/// listed in docs/cost-model.md, section Sources, as S1-S15, or infra/README.md, infra/config.env.example) or
/// "assumed" (no source; change it with a flag).
/// The autoscaler's initialization (cool-down) period is deliberately absent: it only makes the
/// autoscaler ignore data from initializing VMs, and the per-group Pub/Sub metric has none (Sources S7).
/// </summary>
public sealed record DeploymentInputs
{
    /// <summary>Assumed placeholder until bench/ measures one: jobs/s of a mid-size CNN on the 4 vCPUs of one VM.</summary>
    public const double AssumedCpuJobsPerSecond = 20;

    /// <summary>Assumed: how many times more jobs/s one L4 does than 4 vCPUs on batched CNN inference.</summary>
    public const double AssumedGpuOverCpuFactor = 10;

    /// <summary>Sourced (infra config): the group scales to zero.</summary>
    public int MinVms { get; init; }

    /// <summary>Sourced (infra/config.env.example MAX_VMS).</summary>
    public int MaxVms { get; init; } = 4;

    /// <summary>Sourced (infra BACKLOG_PER_VM): single-instance assignment, messages per VM.</summary>
    public int BacklogPerVm { get; init; } = 1000;

    /// <summary>Sourced (Sources S4, stabilizationPeriodSec default 600 s): scale-in follows the peak of this window (S5).</summary>
    public TimeSpan StabilizationPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Assumed: how often the autoscaler re-evaluates (Google does not document it).</summary>
    public TimeSpan AutoscalerInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sourced (Sources S3, the metric descriptor): num_undelivered_messages is sampled every 60 s.</summary>
    public TimeSpan MetricSamplePeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Assumed: first sample this long after t = 0, so a burst at t = 0 waits half a period on average.</summary>
    public TimeSpan MetricSampleOffset { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sourced bound (Sources S3: "not visible for up to 120 s"); each sample's delay is drawn uniformly (assumed) from [min, max].</summary>
    public TimeSpan MetricDelayMin { get; init; } = TimeSpan.Zero;

    /// <inheritdoc cref="MetricDelayMin"/>
    public TimeSpan MetricDelayMax { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>VM creation to first pulled job.</summary>
    public StartupTimes Startup { get; init; } = new();

    /// <summary>Assumed: <see cref="AssumedCpuJobsPerSecond"/> × <see cref="AssumedGpuOverCpuFactor"/> (see docs/cost-model.md).</summary>
    public double JobsPerSecondPerVm { get; init; } = AssumedCpuJobsPerSecond * AssumedGpuOverCpuFactor;

    /// <summary>Sourced (infra WORKER_ENV_EXTRA FlowControl__MaxOutstandingMessages): jobs one VM leases at a time.</summary>
    public int InFlightPerVm { get; init; } = 256;

    /// <summary>Assumed: shortest time a leased job stays unacked (batch delay, inference, GCS write, ack).</summary>
    public TimeSpan MinimumJobLatency { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Assumed: Google publishes no Spot preemption rate.</summary>
    public double PreemptionsPerVmHour { get; init; } = 0.05;

    /// <summary>Assumed: from a preemption to the MIG creating the replacement VM (which then starts up).</summary>
    public TimeSpan RecreateDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An always-on group: its <see cref="MinVms"/> VMs exist and are ready at t = 0.</summary>
    public bool StartWarm { get; init; }

    /// <summary>Seed of the metric-delay jitter and of the preemptions.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws a message naming the first input that makes the model meaningless.</summary>
    public void Validate()
    {
        Require(MinVms >= 0, nameof(MinVms), "must be >= 0");
        Require(MaxVms >= 1 && MaxVms >= MinVms, nameof(MaxVms), "must be >= 1 and >= MinVms");
        Require(BacklogPerVm >= 1, nameof(BacklogPerVm), "must be >= 1");
        Require(JobsPerSecondPerVm > 0 && double.IsFinite(JobsPerSecondPerVm), nameof(JobsPerSecondPerVm), "must be a positive number");
        Require(InFlightPerVm >= 1, nameof(InFlightPerVm), "must be >= 1");
        Require(PreemptionsPerVmHour >= 0, nameof(PreemptionsPerVmHour), "must be >= 0");
        Require(AutoscalerInterval > TimeSpan.Zero, nameof(AutoscalerInterval), "must be positive");
        Require(MetricSamplePeriod > TimeSpan.Zero, nameof(MetricSamplePeriod), "must be positive");
        Require(MetricSampleOffset >= TimeSpan.Zero, nameof(MetricSampleOffset), "must be >= 0");
        Require(MetricDelayMin >= TimeSpan.Zero && MetricDelayMax >= MetricDelayMin, nameof(MetricDelayMax), "must be >= MetricDelayMin >= 0");
        Require(StabilizationPeriod >= TimeSpan.Zero, nameof(StabilizationPeriod), "must be >= 0");
        Require(new[] { Startup.Boot, Startup.GpuDriver, Startup.ImagePull, Startup.ModelLoad }.All(stage => stage >= TimeSpan.Zero), nameof(Startup), "stages must each be >= 0");
        Require(MinimumJobLatency >= TimeSpan.Zero, nameof(MinimumJobLatency), "must be >= 0");
        Require(RecreateDelay >= TimeSpan.Zero, nameof(RecreateDelay), "must be >= 0");
    }

    private static void Require(bool condition, string input, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Input {input} {rule}.", input);
        }
    }
}
