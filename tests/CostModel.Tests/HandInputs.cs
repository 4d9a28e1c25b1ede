using PullWorker.CostModel.Inputs;

namespace PullWorker.CostModel.Tests;

/// <summary>
/// A deployment whose timeline can be worked out on paper: no metric delay or jitter, no stabilization, no
/// preemption, a 240 s start-up and 64 jobs/s in chunks of 256 (4 s each), all exact in binary floating point.
/// </summary>
internal static class HandInputs
{
    public const double StartupSeconds = 240;
    public const double JobsPerSecond = 64;
    public const double SamplePeriodSeconds = 60;

    public static DeploymentInputs OneVm { get; } = new()
    {
        MinVms = 0,
        MaxVms = 1,
        BacklogPerVm = 1000,
        StabilizationPeriod = TimeSpan.Zero,
        AutoscalerInterval = TimeSpan.FromSeconds(10),
        MetricSamplePeriod = TimeSpan.FromSeconds(SamplePeriodSeconds),
        MetricSampleOffset = TimeSpan.Zero,
        MetricDelayMin = TimeSpan.Zero,
        MetricDelayMax = TimeSpan.Zero,
        Startup = StartupTimes.Of(TimeSpan.FromSeconds(StartupSeconds)),
        JobsPerSecondPerVm = JobsPerSecond,
        InFlightPerVm = 256,
        MinimumJobLatency = TimeSpan.Zero,
        PreemptionsPerVmHour = 0,
        RecreateDelay = TimeSpan.FromSeconds(60),
    };

    /// <summary>The first metric sample at or after <paramref name="seconds"/>.</summary>
    public static double NextSample(double seconds) => Math.Ceiling(seconds / SamplePeriodSeconds) * SamplePeriodSeconds;
}
