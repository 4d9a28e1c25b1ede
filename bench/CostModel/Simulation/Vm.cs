namespace PullWorker.CostModel.Simulation;

/// <summary>
/// One VM of the group. It leases a chunk of up to InFlightPerVm jobs, works through it at its throughput
/// and acks each job as it finishes (acks are spread evenly over the chunk), then leases the next.
/// </summary>
internal sealed class Vm(int id, double createdAt)
{
    public int Id { get; } = id;

    public double CreatedAt { get; } = createdAt;

    public bool IsAlive { get; set; } = true;

    public bool IsReady { get; set; }

    /// <summary>Changes with every chunk, so a stale ChunkDone event is recognised and ignored.</summary>
    public int Epoch { get; private set; }

    public int ChunkJobs { get; private set; }

    public bool IsBusy => ChunkJobs > 0;

    private double _chunkStart;
    private double _chunkDuration;

    public void Start(double now, int jobs, double duration)
    {
        ChunkJobs = jobs;
        _chunkStart = now;
        _chunkDuration = duration;
        Epoch++;
    }

    public void Finish() => ChunkJobs = 0;

    public int AckedBy(double now) =>
        !IsBusy ? 0
        : _chunkDuration <= 0 ? ChunkJobs
        : Math.Min(ChunkJobs, (int)Math.Floor(ChunkJobs * (now - _chunkStart) / _chunkDuration));

    public int UnackedAt(double now) => ChunkJobs - AckedBy(now);
}
