using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>Rows [<paramref name="FirstRow"/>, +<paramref name="Count"/>) of a submission, at <paramref name="BatchRow"/> in a batch.</summary>
internal readonly record struct BatchSegment(Submission Submission, int FirstRow, int Count, int BatchRow);

/// <summary>A batch being filled in a staging slot, segment by segment, then taken by the device thread.</summary>
internal sealed class AssembledBatch(StagingSlot slot, int capacity, Action<StagingSlot> releaseSlot)
{
    private readonly List<BatchSegment> _segments = [];
    private int _released;

    public StagingSlot Slot { get; } = slot;

    public IReadOnlyList<BatchSegment> Segments => _segments;

    public int RowCount { get; private set; }

    public bool IsFull => RowCount == capacity;

    /// <summary>The queue timestamp of its oldest submission: the batch's delay is counted from it.</summary>
    public long OldestEnqueuedAt { get; private set; } = long.MaxValue;

    /// <summary>
    /// Copies as many of the submission's rows from <paramref name="firstRow"/> on as fit (on the assembling thread,
    /// overlapping device work) and returns how many that was.
    /// </summary>
    public int Add(Submission submission, int firstRow)
    {
        var count = Math.Min(submission.RowCount - firstRow, capacity - RowCount);
        submission.WriteRows(Slot, RowCount, firstRow, count);
        _segments.Add(new BatchSegment(submission, firstRow, count, RowCount));
        RowCount += count;
        OldestEnqueuedAt = Math.Min(OldestEnqueuedAt, submission.EnqueuedAt);
        return count;
    }

    /// <summary>Gives the slot back for the next batch; idempotent (called after upload, and again in cleanup).</summary>
    public void ReleaseSlot()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            releaseSlot(Slot);
        }
    }
}
