using Google.Cloud.PubSub.V1;
using PullWorker.Emulator.PubSub.Streaming;

namespace PullWorker.Emulator.PubSub.State;

internal enum PendingState
{
    /// <summary>In the subscription's ready queue, waiting for a subscriber.</summary>
    Ready,

    /// <summary>Delivered; waiting for an ack, a nack or its deadline.</summary>
    Outstanding,

    /// <summary>Nacked or expired under a retry policy; offered again when its backoff ends.</summary>
    BackingOff,

    /// <summary>Acked, dead-lettered or dropped with its subscription.</summary>
    Removed,
}

/// <summary>
/// One message's life in one subscription. Mutated only under the owning subscription's lock.
/// <see cref="Version"/> changes on every transition so that a deadline scheduled for an earlier state is
/// recognised as stale when it comes due, instead of being searched for and removed.
/// </summary>
internal sealed class PendingMessage(PubsubMessage message, long sequence, int size)
{
    public PubsubMessage? Message { get; private set; } = message;

    public long Sequence { get; } = sequence;

    /// <summary>Serialized size of the message, what max_outstanding_bytes counts.</summary>
    public int Size { get; } = size;

    public PendingState State { get; private set; } = PendingState.Ready;

    public int Version { get; private set; }

    /// <summary>Nacks plus expired deadlines so far; delivery_attempt is this plus one.</summary>
    public int Failures { get; private set; }

    /// <summary>Deliveries so far: the last part of the current ack ID.</summary>
    public int Deliveries { get; private set; }

    /// <summary>The stream whose flow-control budget the outstanding delivery uses; null for unary Pull.</summary>
    public StreamingPullSession? Owner { get; private set; }

    public void MarkDelivered(StreamingPullSession? owner)
    {
        State = PendingState.Outstanding;
        Deliveries++;
        Version++;
        Owner = owner;
    }

    /// <summary>A new deadline for the outstanding delivery; the previously scheduled one becomes stale.</summary>
    public void Touch() => Version++;

    public StreamingPullSession? MarkFailed()
    {
        Failures++;
        return Release(PendingState.Ready);
    }

    public void MarkBackingOff() => Transition(PendingState.BackingOff);

    public void MarkReady() => Transition(PendingState.Ready);

    /// <summary>Final: the payload is dropped at once because stale deadline entries may still point here.</summary>
    public StreamingPullSession? MarkRemoved()
    {
        var owner = Release(PendingState.Removed);
        Message = null;
        return owner;
    }

    private StreamingPullSession? Release(PendingState next)
    {
        var owner = Owner;
        Owner = null;
        Transition(next);
        return owner;
    }

    private void Transition(PendingState next)
    {
        State = next;
        Version++;
    }
}
