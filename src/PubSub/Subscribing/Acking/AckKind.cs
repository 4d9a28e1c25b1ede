namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>What a queued ack ID is for; also the order in which a flush sends them.</summary>
internal enum AckKind
{
    /// <summary>Acknowledge: sent first, since every delay risks a redelivery.</summary>
    Ack,

    /// <summary>The modack sent on receipt; exactly-once delivery waits for it before handing out.</summary>
    Receipt,

    /// <summary>Modack to 0 (or to the requested redelivery delay).</summary>
    Nack,

    /// <summary>Lease extension: bulk traffic that must not delay the others (google-cloud-go#9727).</summary>
    Extend,
}

/// <summary>One ack ID waiting to be sent, and whom to tell how it went.</summary>
internal readonly record struct PendingAck(string AckId, Action<AckOutcome>? OnComplete)
{
    public void Complete(AckOutcome outcome) => OnComplete?.Invoke(outcome);
}

/// <summary>One Acknowledge or ModifyAckDeadline request's worth of IDs.</summary>
internal sealed record AckBatch(AckKind Kind, int DeadlineSeconds, IReadOnlyList<PendingAck> Items, long EnqueuedAt);
