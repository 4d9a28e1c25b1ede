using Google.Cloud.PubSub.V1;

namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// A message leased to this process: kept from redelivery until it is acked, nacked, or held longer than
/// <see cref="SubscriberSettings.MaxTotalAckExtension"/>. Settle each message exactly once.
/// </summary>
public sealed class LeasedMessage
{
    private readonly PubsubMessage _message;
    private readonly ILeaseOwner _owner;

    internal LeasedMessage(ReceivedMessage received, DateTimeOffset receivedAt, ILeaseOwner owner)
    {
        AckId = received.AckId;
        _message = received.Message ?? new PubsubMessage();
        DeliveryAttempt = received.DeliveryAttempt;
        Size = received.CalculateSize();
        ReceivedAt = receivedAt;
        LeaseExpiresAt = receivedAt;
        _owner = owner;
    }

    public string MessageId => _message.MessageId;

    public ReadOnlyMemory<byte> Data => _message.Data.Memory;

    public IReadOnlyDictionary<string, string> Attributes => _message.Attributes;

    public DateTimeOffset PublishTime => _message.PublishTime?.ToDateTimeOffset() ?? DateTimeOffset.MinValue;

    public string OrderingKey => _message.OrderingKey;

    /// <summary>1 + nacks + expiries when the subscription has a dead-letter policy; 0 otherwise.</summary>
    public int DeliveryAttempt { get; }

    /// <summary>Bytes the message occupies on the wire; what flow control counts.</summary>
    public int Size { get; }

    internal string AckId { get; }

    internal DateTimeOffset ReceivedAt { get; }

    /// <summary>When the service's lease runs out unless extended (guarded by the inventory's lock).</summary>
    internal DateTimeOffset LeaseExpiresAt { get; set; }

    internal LeaseState State { get; set; } = LeaseState.Receiving;

    /// <summary>Past the maximum total extension: no longer extended, still counted until settled.</summary>
    internal bool Released { get; set; }

    /// <summary>Acknowledges the message. Redelivery stops once the service has the ack.</summary>
    /// <exception cref="InvalidOperationException">The message was already acked or nacked.</exception>
    public void Ack() => _owner.Settle(this, Settlement.Ack, TimeSpan.Zero, outcome: null);

    /// <summary>Acknowledges and reports what the service said (exactly-once: per message).</summary>
    public Task<AckOutcome> AckAsync(CancellationToken cancellationToken) => SettleAsync(Settlement.Ack, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Gives the message back. With a delay the lease is set to it (ceiling to whole seconds, at most
    /// 600 s) so redelivery waits that long; with none it is redelivered at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The message was already acked or nacked.</exception>
    public void Nack(TimeSpan delay = default) => _owner.Settle(this, Settlement.Nack, delay, outcome: null);

    public Task<AckOutcome> NackAsync(TimeSpan delay, CancellationToken cancellationToken) => SettleAsync(Settlement.Nack, delay, cancellationToken);

    private Task<AckOutcome> SettleAsync(Settlement settlement, TimeSpan delay, CancellationToken cancellationToken)
    {
        var outcome = new TaskCompletionSource<AckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _owner.Settle(this, settlement, delay, outcome);
        return outcome.Task.WaitAsync(cancellationToken);
    }

    public override string ToString() => $"message {MessageId} ({Size} B, attempt {DeliveryAttempt})";
}

internal enum LeaseState
{
    /// <summary>Exactly-once: waiting for the receipt modack to succeed before it may be handed out.</summary>
    Receiving,

    /// <summary>Leased, waiting for flow control to let it out.</summary>
    Held,

    /// <summary>Written to the subscriber's channel; counts against flow control until settled.</summary>
    HandedOut,

    Settled,
}

internal enum Settlement
{
    Ack,
    Nack,
}

/// <summary>Where a message's settlement goes: the subscriber's lease inventory.</summary>
internal interface ILeaseOwner
{
    /// <summary>Settles the message; <paramref name="outcome"/>, when given, learns what the service said.</summary>
    void Settle(LeasedMessage message, Settlement settlement, TimeSpan nackDelay, TaskCompletionSource<AckOutcome>? outcome);
}
