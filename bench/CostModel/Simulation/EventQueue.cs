namespace PullWorker.CostModel.Simulation;

/// <summary>What happens at one instant. At equal times kinds run in declaration order, so a sample taken
/// when a chunk finishes sees it acknowledged, and the autoscaler sees a sample that becomes visible at its tick.</summary>
internal enum EventKind
{
    Arrival,
    VmReady,
    ChunkDone,
    Preemption,
    Recreate,
    MetricSample,
    AutoscalerTick,
    PeriodEnd,
}

internal readonly record struct SimulationEvent(double Seconds, EventKind Kind, Vm? Vm = null, int Epoch = 0, int Jobs = 0);

/// <summary>Events by time, then kind, then insertion order: the same inputs always replay the same way.</summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<SimulationEvent, (double Seconds, EventKind Kind, long Sequence)> _queue = new();
    private long _sequence;

    public void Add(SimulationEvent item) => _queue.Enqueue(item, (item.Seconds, item.Kind, _sequence++));

    public bool TryNext(out SimulationEvent item) => _queue.TryDequeue(out item, out _);
}
