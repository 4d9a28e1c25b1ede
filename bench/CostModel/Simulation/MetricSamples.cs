namespace PullWorker.CostModel.Simulation;

/// <summary>
/// num_undelivered_messages as the autoscaler sees it: a sample of backlog + unacked jobs every period,
/// each visible only after its own delay drawn uniformly from [min, max] (docs/cost-model.md, Sources S3: "up to 120 s").
/// </summary>
public sealed class MetricSamples(TimeSpan delayMin, TimeSpan delayMax, Random random)
{
    private readonly List<(double SampledAt, double VisibleAt, long Value)> _inFlight = [];
    private (double SampledAt, long Value)? _latestVisible;

    public void Record(double now, long value)
    {
        var delay = delayMin.TotalSeconds + (random.NextDouble() * (delayMax - delayMin).TotalSeconds);
        _inFlight.Add((now, now + delay, value));
    }

    /// <summary>The newest sample (by sampling time) visible at <paramref name="now"/>, or null before the first.</summary>
    public long? Visible(double now)
    {
        for (var i = _inFlight.Count - 1; i >= 0; i--)
        {
            var sample = _inFlight[i];
            if (sample.VisibleAt > now)
            {
                continue;
            }

            if (_latestVisible is not { } latest || sample.SampledAt > latest.SampledAt)
            {
                _latestVisible = (sample.SampledAt, sample.Value);
            }

            _inFlight.RemoveAt(i);
        }

        return _latestVisible?.Value;
    }
}
