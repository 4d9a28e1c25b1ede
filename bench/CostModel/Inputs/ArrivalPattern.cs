namespace PullWorker.CostModel.Inputs;

/// <summary>When jobs are published: a deterministic list of (time, count) in time order.</summary>
public abstract record ArrivalPattern
{
    public abstract int TotalJobs { get; }

    /// <summary>Arrivals in ascending time, seconds from t = 0; each count is positive.</summary>
    public abstract IEnumerable<(double Seconds, int Jobs)> Arrivals();
}

/// <summary>All jobs published at t = 0.</summary>
public sealed record Burst : ArrivalPattern
{
    public Burst(int jobs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobs);
        Jobs = jobs;
    }

    public int Jobs { get; }

    public override int TotalJobs => Jobs;

    public override IEnumerable<(double Seconds, int Jobs)> Arrivals() => [(0, Jobs)];
}
