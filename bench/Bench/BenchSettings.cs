namespace PullWorker.Bench;

/// <summary>
/// How long each measurement runs. <see cref="Full"/> is what <c>./bench.sh</c> uses (about 12 minutes in all on
/// 2 cores); <see cref="Quick"/> (<c>--quick</c>) checks the harness in a fraction of that, with noisier numbers.
/// </summary>
internal sealed record BenchSettings(
    TimeSpan WarmUp, TimeSpan CapacityWindow, TimeSpan LoadWindow, TimeSpan SweepWindow, int CnnJobs, int MlpJobs, int BacklogJobs, int ColdStarts)
{
    public static BenchSettings Full { get; } = new(
        TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(4), 800, 20_000, 200_000, 3);

    public static BenchSettings Quick { get; } = new(
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), 100, 2_000, 20_000, 1);
}
