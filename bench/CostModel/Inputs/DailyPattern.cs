namespace PullWorker.CostModel.Inputs;

/// <summary>
/// Piecewise-constant load over one day: <c>JobsPerHour[h]</c> jobs spread evenly over hour h, published
/// every <see cref="Tick"/> (integer arithmetic, so the day's total is exact).
/// </summary>
public sealed record DailyPattern : ArrivalPattern
{
    /// <summary>Assumed example: quiet nights, a business-day plateau, a lighter evening (about 107,000 jobs).</summary>
    public static DailyPattern BusinessDay { get; } = new(
    [
        0, 0, 0, 0, 0, 0, 0, 2_000, 2_000, 10_000, 10_000, 10_000,
        10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 3_000, 3_000, 3_000, 3_000, 500, 500,
    ]);

    public DailyPattern(IReadOnlyList<int> jobsPerHour, TimeSpan? tick = null)
    {
        if (jobsPerHour.Count != 24 || jobsPerHour.Any(jobs => jobs < 0))
        {
            throw new ArgumentException("A daily pattern needs 24 hourly job counts, each >= 0.", nameof(jobsPerHour));
        }

        Tick = tick ?? TimeSpan.FromSeconds(1);
        if (Tick <= TimeSpan.Zero || TimeSpan.FromHours(1).Ticks % Tick.Ticks != 0)
        {
            throw new ArgumentException($"The tick {Tick} must be positive and divide one hour.", nameof(tick));
        }

        JobsPerHour = jobsPerHour;
    }

    public IReadOnlyList<int> JobsPerHour { get; }

    public TimeSpan Tick { get; }

    public override int TotalJobs => JobsPerHour.Sum();

    public override IEnumerable<(double Seconds, int Jobs)> Arrivals()
    {
        var ticksPerHour = (int)(TimeSpan.FromHours(1).Ticks / Tick.Ticks);
        for (var hour = 0; hour < 24; hour++)
        {
            long jobs = JobsPerHour[hour];
            for (var i = 0; i < ticksPerHour; i++)
            {
                var count = (int)(((i + 1) * jobs / ticksPerHour) - (i * jobs / ticksPerHour));
                if (count > 0)
                {
                    yield return ((hour * 3600) + (i * Tick.TotalSeconds), count);
                }
            }
        }
    }
}
