namespace PullWorker.CostModel.Simulation;

/// <summary>Preemptions as a Poisson process per VM (assumed: memoryless, at a constant rate per VM-hour).</summary>
public sealed class ExponentialPreemptions : IPreemptionSource
{
    private readonly double _perVmHour;
    private readonly Random _random;

    public ExponentialPreemptions(double perVmHour, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perVmHour);
        _perVmHour = perVmHour;
        _random = new Random(seed);
    }

    public TimeSpan? TimeToPreemption(int vmId) =>
        _perVmHour == 0 ? null : TimeSpan.FromHours(-Math.Log(1 - _random.NextDouble()) / _perVmHour);
}
