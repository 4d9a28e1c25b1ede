using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>A batch being filled row by row in a staging slot, then handed to the device thread.</summary>
internal sealed class AssembledBatch(StagingSlot slot, Action<StagingSlot> releaseSlot)
{
    private readonly List<PendingItem> _items = new(slot.Capacity);
    private int _released;

    public StagingSlot Slot { get; } = slot;

    public IReadOnlyList<PendingItem> Items => _items;

    public int Count => _items.Count;

    /// <summary>The queue timestamp of the first item: the batch's delay is counted from it.</summary>
    public long OldestEnqueuedAt => _items[0].EnqueuedAt;

    /// <summary>Copies the item's tensors into the next row (on the assembling thread, overlapping device work).</summary>
    public void Add(PendingItem item)
    {
        Slot.WriteRow(_items.Count, item.Item.Inputs);
        _items.Add(item);
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
