namespace PullWorker.CostModel.Simulation;

/// <summary>
/// The MIG autoscaler on a per-group metric with single-instance assignment (docs/cost-model.md, Sources S1, S5): it recommends
/// ceil(metric / assignment) VMs clamped to [min, max], and its target is the highest recommendation of
/// the stabilization window, so scale-out is immediate and scale-in waits for the window to forget the peak.
/// </summary>
public sealed class Autoscaler
{
    private readonly int _minVms;
    private readonly int _maxVms;
    private readonly int _backlogPerVm;
    private readonly double _stabilizationSeconds;
    private readonly Queue<(double Seconds, int Size)> _recommendations = new();

    public Autoscaler(int minVms, int maxVms, int backlogPerVm, TimeSpan stabilizationPeriod)
    {
        _minVms = minVms;
        _maxVms = maxVms;
        _backlogPerVm = backlogPerVm;
        _stabilizationSeconds = stabilizationPeriod.TotalSeconds;
        Target = minVms;
    }

    public int Target { get; private set; }

    public static int Recommend(long metric, int backlogPerVm, int minVms, int maxVms)
    {
        var wanted = (metric + backlogPerVm - 1) / backlogPerVm;
        return (int)Math.Clamp(wanted, minVms, maxVms);
    }

    /// <summary>One evaluation at <paramref name="now"/> seconds; without a visible metric the target stays.</summary>
    public int Evaluate(double now, long? visibleMetric)
    {
        if (visibleMetric is { } metric)
        {
            _recommendations.Enqueue((now, Recommend(metric, _backlogPerVm, _minVms, _maxVms)));
        }

        while (_recommendations.Count > 0 && _recommendations.Peek().Seconds < now - _stabilizationSeconds)
        {
            _recommendations.Dequeue();
        }

        if (_recommendations.Count > 0)
        {
            Target = _recommendations.Max(recommendation => recommendation.Size);
        }

        return Target;
    }
}
