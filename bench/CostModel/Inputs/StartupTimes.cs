namespace PullWorker.CostModel.Inputs;

/// <summary>
/// What a new VM goes through between its creation and its first pulled job. Sources: the driver
/// install time is a third-party field note (docs/cost-model.md, Sources S10: ~40 s on a T4); the others are assumptions
/// sized so the total matches infra/README.md's "pulls work 3-6 min" after the VM is requested.
/// </summary>
public sealed record StartupTimes
{
    /// <summary>Assumed: COS boot to the startup script.</summary>
    public TimeSpan Boot { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Sourced (Sources S10, a third-party field note): <c>cos-extensions install gpu</c>.</summary>
    public TimeSpan GpuDriver { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Assumed: ~2.5 GB compressed image (infra/README.md estimate) pulled and unpacked in-region.</summary>
    public TimeSpan ImagePull { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Assumed: model download from GCS, session creation on the GPU, warm-up batch.</summary>
    public TimeSpan ModelLoad { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan Total => Boot + GpuDriver + ImagePull + ModelLoad;

    /// <summary>All four stages in one (tests and flags that know only the total).</summary>
    public static StartupTimes Of(TimeSpan total) =>
        new() { Boot = total, GpuDriver = TimeSpan.Zero, ImagePull = TimeSpan.Zero, ModelLoad = TimeSpan.Zero };
}
