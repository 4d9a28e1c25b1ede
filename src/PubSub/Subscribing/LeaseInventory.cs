using System.Diagnostics;
using System.Threading.Channels;
using Google.Cloud.PubSub.V1;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// Every message this subscriber holds a lease on, and the flow control over what the handler holds.
/// Received messages are leased at once (receipt modack) and wait in a held queue; they are handed out
/// (written to the output channel) only while the handed-out count and bytes stay within the limits,
/// so excess messages the server sent are kept and extended, never dispatched (nodejs-pubsub#784).
/// </summary>
internal sealed class LeaseInventory : ILeaseOwner
{
    private readonly SubscriberSettings _settings;
    private readonly LeaseTiming _timing;
    private readonly ProcessingTimeHistogram _histogram;
    private readonly AckQueue _acks;
    private readonly ChannelWriter<LeasedMessage> _output;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LeasedMessage> _leased = new(StringComparer.Ordinal);
    private readonly Queue<LeasedMessage> _held = new();
    private readonly List<PendingAck> _lateArrivals = [];
    private int _heldCount;
    private long _heldBytes;
    private int _handedOutCount;
    private long _handedOutBytes;
    private bool _dispatchClosed;
    private TaskCompletionSource? _roomWaiter;
    private TaskCompletionSource? _settledWaiter;

    public LeaseInventory(
        SubscriberSettings settings,
        LeaseTiming timing,
        ProcessingTimeHistogram histogram,
        AckQueue acks,
        ChannelWriter<LeasedMessage> output,
        TimeProvider time)
    {
        _settings = settings;
        _timing = timing;
        _histogram = histogram;
        _acks = acks;
        _output = output;
        _time = time;
    }

    /// <summary>Raised (outside the lock) when messages are acked or nacked, for metrics.</summary>
    public event Action<Settlement, int>? Settled;

    /// <summary>Messages and bytes the handler holds: what flow control bounds.</summary>
    public (int Count, long Bytes) HandedOut
    {
        get
        {
            lock (_lock)
            {
                return (_handedOutCount, _handedOutBytes);
            }
        }
    }

    /// <summary>Leased messages waiting for flow control.</summary>
    public int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _heldCount;
            }
        }
    }

    /// <summary>Leases this subscriber keeps extending.</summary>
    public int LeasedCount
    {
        get
        {
            lock (_lock)
            {
                return _leased.Count;
            }
        }
    }

    /// <summary>
    /// Leases freshly received messages. Without exactly-once they are held at once; with it they wait
    /// for their receipt modack to succeed, since a failed one means the ack ID is already void. Once
    /// dispatch is closed they are set aside for <see cref="NackLateArrivals"/> instead.
    /// </summary>
    public void Receive(IReadOnlyCollection<ReceivedMessage> messages, bool exactlyOnce)
    {
        var now = _time.GetUtcNow();
        var deadline = _timing.Deadline;
        var leases = messages.Select(m => new LeasedMessage(m, now, this) { LeaseExpiresAt = now + deadline }).ToList();
        var receipts = new List<PendingAck>(leases.Count);
        var refused = new List<PendingAck>();
        lock (_lock)
        {
            foreach (var lease in leases)
            {
                if (_dispatchClosed)
                {
                    // Stopping: a nack now would hand the closing stream budget for yet more messages.
                    lease.State = LeaseState.Settled;
                    _lateArrivals.Add(new PendingAck(lease.AckId, null));
                    continue;
                }

                if (!_leased.TryAdd(lease.AckId, lease))
                {
                    // A duplicate ack ID still leased: give it straight back.
                    lease.State = LeaseState.Settled;
                    refused.Add(new PendingAck(lease.AckId, null));
                    continue;
                }

                if (exactlyOnce)
                {
                    receipts.Add(new PendingAck(lease.AckId, outcome => OnReceiptConfirmed(lease, outcome)));
                }
                else
                {
                    Hold(lease);
                    receipts.Add(new PendingAck(lease.AckId, null));
                }
            }
        }

        _acks.Enqueue(AckKind.Receipt, (int)deadline.TotalSeconds, receipts);
        _acks.Enqueue(AckKind.Nack, 0, refused);
        Dispatch();
    }

    public void Settle(LeasedMessage message, Settlement settlement, TimeSpan nackDelay, TaskCompletionSource<AckOutcome>? outcome)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nackDelay, TimeSpan.Zero);
        lock (_lock)
        {
            if (message.State == LeaseState.Settled)
            {
                throw new InvalidOperationException($"{message} was already acked or nacked; settle each message once.");
            }

            Remove(message);
        }

        if (settlement == Settlement.Ack)
        {
            _histogram.Record(_time.GetUtcNow() - message.ReceivedAt);
        }

        var pending = new PendingAck(message.AckId, outcome is null ? null : result => outcome.TrySetResult(result));
        if (settlement == Settlement.Ack)
        {
            _acks.Enqueue(AckKind.Ack, 0, pending);
        }
        else
        {
            var seconds = (int)Math.Min(Math.Ceiling(nackDelay.TotalSeconds), SubscriberSettings.MaximumAckDeadline.TotalSeconds);
            _acks.Enqueue(AckKind.Nack, seconds, pending);
        }

        Settled?.Invoke(settlement, 1);
        Dispatch();
    }

    /// <summary>Completes when there is room to hold more messages; the pull loop waits here before reading on.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (HasRoomToHold())
            {
                return Task.CompletedTask;
            }

            _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _roomWaiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The lease loop's work at <paramref name="now"/>: extends leases that are close to running out and
    /// releases (and nacks, if never handed out) the ones past the maximum total extension.
    /// </summary>
    public LeaseWork CollectLeaseWork(DateTimeOffset now)
    {
        var deadline = _timing.Deadline;
        var margin = _timing.ExtensionMargin(deadline);
        var extend = new List<PendingAck>();
        var release = new List<LeasedMessage>();
        var releasedHandedOut = 0;
        lock (_lock)
        {
            foreach (var lease in _leased.Values)
            {
                if (now - lease.ReceivedAt >= _settings.MaxTotalAckExtension)
                {
                    release.Add(lease);
                }
                else if (lease.State != LeaseState.Receiving && lease.LeaseExpiresAt - now <= margin)
                {
                    lease.LeaseExpiresAt = now + deadline;
                    extend.Add(new PendingAck(lease.AckId, null));
                }
            }

            foreach (var lease in release)
            {
                _leased.Remove(lease.AckId);
                lease.Released = true;
                if (lease.State == LeaseState.HandedOut)
                {
                    // The handler still has it: it keeps its flow-control slot until settled.
                    releasedHandedOut++;
                }
                else
                {
                    Remove(lease);
                }
            }
        }

        var nacks = release.Where(l => l.State == LeaseState.Settled).Select(l => new PendingAck(l.AckId, null)).ToList();
        _acks.Enqueue(AckKind.Extend, (int)deadline.TotalSeconds, extend);
        _acks.Enqueue(AckKind.Nack, 0, nacks);
        Dispatch();
        return new LeaseWork(extend.Count, release.Count, releasedHandedOut);
    }

    /// <summary>
    /// Soft stop, first step: nothing more is handed out. Held messages and those still unread in the
    /// output channel are nacked so the service redelivers them now rather than after their lease;
    /// messages received from now on wait for <see cref="NackLateArrivals"/>.
    /// </summary>
    public int CloseDispatch(ChannelReader<LeasedMessage> unread)
    {
        List<LeasedMessage> held;
        lock (_lock)
        {
            _dispatchClosed = true;
            held = _leased.Values.Where(l => l.State is LeaseState.Held or LeaseState.Receiving).ToList();
            foreach (var lease in held)
            {
                Remove(lease);
            }
        }

        _output.TryComplete();
        _acks.Enqueue(AckKind.Nack, 0, held.Select(l => new PendingAck(l.AckId, null)).ToList());
        var nacked = held.Count;
        while (unread.TryRead(out var message))
        {
            if (TrySettle(message, Settlement.Nack))
            {
                nacked++;
            }
        }

        Settled?.Invoke(Settlement.Nack, held.Count);
        return nacked;
    }

    /// <summary>
    /// Soft stop, once the streams have ended: nacks what arrived on them after dispatch closed, so the
    /// service redelivers it now rather than after the stream's lease. Returns how many.
    /// </summary>
    public int NackLateArrivals()
    {
        List<PendingAck> late;
        lock (_lock)
        {
            late = [.. _lateArrivals];
            _lateArrivals.Clear();
        }

        _acks.Enqueue(AckKind.Nack, 0, late);
        Settled?.Invoke(Settlement.Nack, late.Count);
        return late.Count;
    }

    /// <summary>Completes when the handler has settled everything handed out.</summary>
    public Task WaitUntilSettledAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_handedOutCount == 0)
            {
                return Task.CompletedTask;
            }

            _settledWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _settledWaiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Stop timed out: nack what the handler still holds so it is redelivered now. A late Ack() from the
    /// handler then reports a transient failure, as nothing is sent after the stop.
    /// </summary>
    public int NackHandedOut()
    {
        List<LeasedMessage> handedOut;
        lock (_lock)
        {
            handedOut = _leased.Values.Where(l => l.State == LeaseState.HandedOut).ToList();
            foreach (var lease in handedOut)
            {
                _leased.Remove(lease.AckId);
                lease.Released = true;
            }
        }

        _acks.Enqueue(AckKind.Nack, 0, handedOut.Select(l => new PendingAck(l.AckId, null)).ToList());
        Settled?.Invoke(Settlement.Nack, handedOut.Count);
        return handedOut.Count;
    }

    private bool TrySettle(LeasedMessage message, Settlement settlement)
    {
        try
        {
            Settle(message, settlement, TimeSpan.Zero, outcome: null);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The handler settled it between our read and now: nothing left to do.
            return false;
        }
    }

    private void OnReceiptConfirmed(LeasedMessage lease, AckOutcome outcome)
    {
        lock (_lock)
        {
            if (lease.State != LeaseState.Receiving)
            {
                return;
            }

            if (outcome.IsSuccess && !_dispatchClosed)
            {
                Hold(lease);
            }
            else
            {
                // The ack ID is void (or we are stopping): the service will redeliver the message.
                Remove(lease);
            }
        }

        Dispatch();
    }

    private void Hold(LeasedMessage lease)
    {
        lease.State = LeaseState.Held;
        _held.Enqueue(lease);
        _heldCount++;
        _heldBytes += lease.Size;
    }

    /// <summary>Takes a lease out of whatever it counted towards. Caller holds the lock.</summary>
    private void Remove(LeasedMessage lease)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "inventory state is guarded by its lock");
        switch (lease.State)
        {
            case LeaseState.Held:
                // Left in the queue; Dispatch skips entries that are no longer held.
                _heldCount--;
                _heldBytes -= lease.Size;
                break;
            case LeaseState.HandedOut:
                _handedOutCount--;
                _handedOutBytes -= lease.Size;
                break;
        }

        lease.State = LeaseState.Settled;
        if (!lease.Released)
        {
            _leased.Remove(lease.AckId);
        }
    }

    /// <summary>Hands out held messages while flow control allows, and wakes whoever waits for room.</summary>
    private void Dispatch()
    {
        List<LeasedMessage>? handOut = null;
        TaskCompletionSource? room = null;
        TaskCompletionSource? settled = null;
        lock (_lock)
        {
            while (!_dispatchClosed && _held.TryPeek(out var next))
            {
                if (next.State != LeaseState.Held)
                {
                    _held.Dequeue();
                    continue;
                }

                if (!MayHandOut(next.Size))
                {
                    break;
                }

                _held.Dequeue();
                _heldCount--;
                _heldBytes -= next.Size;
                next.State = LeaseState.HandedOut;
                _handedOutCount++;
                _handedOutBytes += next.Size;
                (handOut ??= []).Add(next);
            }

            if (_roomWaiter is not null && HasRoomToHold())
            {
                (room, _roomWaiter) = (_roomWaiter, null);
            }

            if (_settledWaiter is not null && _handedOutCount == 0)
            {
                (settled, _settledWaiter) = (_settledWaiter, null);
            }
        }

        room?.TrySetResult();
        settled?.TrySetResult();
        foreach (var message in handOut ?? [])
        {
            // The channel's capacity is MaxOutstandingMessages, so only a completed channel (stopping)
            // refuses a write; the message then goes straight back.
            if (!_output.TryWrite(message))
            {
                TrySettle(message, Settlement.Nack);
            }
        }
    }

    /// <summary>
    /// Within both limits after adding this message; a message larger than the byte limit still goes
    /// out when the handler holds nothing, or it would never be processed.
    /// </summary>
    private bool MayHandOut(int size) =>
        _handedOutCount == 0
        || (_handedOutCount < _settings.MaxOutstandingMessages && _handedOutBytes + size <= _settings.MaxOutstandingBytes);

    /// <summary>The held queue is bounded like the handler: the pull loop stops reading once it is full.</summary>
    private bool HasRoomToHold() =>
        _dispatchClosed || (_heldCount < _settings.MaxOutstandingMessages && _heldBytes < _settings.MaxOutstandingBytes);
}

/// <summary>What one lease scan did: leases extended, released past the maximum extension, of which still with the handler.</summary>
internal readonly record struct LeaseWork(int Extended, int Released, int ReleasedHandedOut);
