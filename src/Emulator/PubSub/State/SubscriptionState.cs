using System.Diagnostics.CodeAnalysis;
using Google.Cloud.PubSub.V1;
using PullWorker.Emulator.PubSub.Streaming;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>
/// The messages of one subscription and their leases: a FIFO ready queue, a map of unacked messages by
/// sequence number (so an ack is O(1)), and the deadline schedule. One short lock guards it all; nothing is
/// awaited under it, and callers hand over whole batches so a publish or a stream response takes it once.
/// </summary>
internal sealed class SubscriptionState
{
    /// <summary>Keeps one response well under the 4 MB default receive limit of gRPC clients.</summary>
    private const int MaxResponseBytes = 3 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, PendingMessage> _unacked = [];
    private readonly Queue<PendingMessage> _ready = new();
    private readonly List<DeliverySignal> _waiters = [];
    private readonly DeadlineSchedule _schedule;
    private readonly IDeliveryHost _host;
    private readonly Subscription _resource;
    private long _nextSequence;
    private int _outstanding;
    private long _delivered, _acked, _nacked, _expired;
    private bool _closed;

    public SubscriptionState(long incarnation, SubscriptionSettings settings, Subscription resource, IDeliveryHost host)
    {
        Incarnation = incarnation;
        Settings = settings;
        _resource = resource;
        _host = host;
        _schedule = new DeadlineSchedule(host.Time, _ => OnScheduleDue());
    }

    public string Name => _resource.Name;

    /// <summary>Distinguishes this subscription from an earlier one of the same name, in ack IDs.</summary>
    public long Incarnation { get; }

    public SubscriptionSettings Settings { get; }

    public bool IsClosed
    {
        get { lock (_lock) { return _closed; } }
    }

    public Subscription Describe()
    {
        lock (_lock)
        {
            return _resource.Clone();
        }
    }

    /// <summary>Its topic was deleted: it keeps its messages but reports the service's placeholder topic.</summary>
    public void DetachFromTopic(string placeholder)
    {
        lock (_lock)
        {
            _resource.Topic = placeholder;
        }
    }

    public void Enqueue(IReadOnlyList<PublishedMessage> messages)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            foreach (var published in messages)
            {
                var pending = new PendingMessage(published.Message, _nextSequence++, published.Size);
                _unacked.Add(pending.Sequence, pending);
                _ready.Enqueue(pending);
            }

            WakeWaitersLocked();
        }
    }

    /// <summary>
    /// Leases up to <paramref name="maxMessages"/> ready messages: to <paramref name="stream"/> within its
    /// flow-control budget and with its ack deadline, or, for a unary Pull (null), with the subscription's.
    /// </summary>
    public List<ReceivedMessage> TakeBatch(StreamingPullSession? stream, int maxMessages)
    {
        var batch = new List<ReceivedMessage>();
        if (_host.IsDeliveryPaused)
        {
            return batch;
        }

        lock (_lock)
        {
            if (_closed)
            {
                return batch;
            }

            var deadline = _host.Time.GetUtcNow() + (stream?.AckDeadline ?? Settings.AckDeadline);
            long batchBytes = 0;
            while (batch.Count < maxMessages && _ready.TryPeek(out var next))
            {
                if ((stream is not null && !stream.HasRoomFor(next.Size))
                    || (batchBytes > 0 && batchBytes + next.Size > MaxResponseBytes))
                {
                    break;
                }

                _ready.Dequeue();
                next.MarkDelivered(stream);
                stream?.Reserve(next.Size);
                _outstanding++;
                _delivered++;
                batchBytes += next.Size;
                _schedule.Add(next, deadline, _unacked.Count);
                batch.Add(new ReceivedMessage
                {
                    AckId = new AckId(Incarnation, next.Sequence, next.Deliveries).ToString(),
                    Message = next.Message,
                    DeliveryAttempt = Settings.DeadLetter is null ? 0 : next.Failures + 1,
                });
            }
        }

        return batch;
    }

    /// <summary>Acks the current deliveries among <paramref name="ackIds"/>; stale or unknown IDs are ignored, as the service does.</summary>
    public void Acknowledge(IReadOnlyList<AckId> ackIds)
    {
        lock (_lock)
        {
            foreach (var ackId in ackIds)
            {
                if (TryGetOutstanding(ackId, out var pending))
                {
                    _unacked.Remove(pending.Sequence);
                    pending.MarkRemoved()?.Release(pending.Size);
                    _outstanding--;
                    _acked++;
                }
            }
        }
    }

    /// <summary>Sets the deadline of the current deliveries to now plus <paramref name="seconds"/>; 0 nacks them.</summary>
    public void ModifyAckDeadline(IReadOnlyList<AckId> ackIds, int seconds)
    {
        var deadLetters = new DeadLetterBatch();
        lock (_lock)
        {
            var now = _host.Time.GetUtcNow();
            foreach (var ackId in ackIds)
            {
                if (!TryGetOutstanding(ackId, out var pending))
                {
                    continue;
                }

                if (seconds == 0)
                {
                    _nacked++;
                    FailLocked(pending, now, deadLetters);
                }
                else
                {
                    pending.Touch();
                    _schedule.Add(pending, now + TimeSpan.FromSeconds(seconds), _unacked.Count);
                }
            }
        }

        _host.ForwardDeadLetters(this, deadLetters);
    }

    public void AddWaiter(DeliverySignal waiter)
    {
        lock (_lock)
        {
            _waiters.Add(waiter);
        }

        waiter.Set();
    }

    public void RemoveWaiter(DeliverySignal waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
        }
    }

    public void WakeWaiters()
    {
        lock (_lock)
        {
            WakeWaitersLocked();
        }
    }

    public SubscriptionStats GetStats()
    {
        lock (_lock)
        {
            return new SubscriptionStats(_unacked.Count, _outstanding, _delivered, _acked, _nacked, _expired);
        }
    }

    /// <summary>Deleted: drops every message, stops the timer and wakes waiters so they notice.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _schedule.Dispose();
            foreach (var pending in _unacked.Values)
            {
                pending.MarkRemoved();
            }

            _unacked.Clear();
            _ready.Clear();
            foreach (var waiter in _waiters)
            {
                waiter.Set();
            }
        }
    }

    private bool TryGetOutstanding(AckId ackId, [NotNullWhen(true)] out PendingMessage? pending)
    {
        pending = null;
        return ackId.Incarnation == Incarnation
            && _unacked.TryGetValue(ackId.Sequence, out pending)
            && pending.State == PendingState.Outstanding
            && pending.Deliveries == ackId.Delivery;
    }

    private void OnScheduleDue()
    {
        var deadLetters = new DeadLetterBatch();
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            var now = _host.Time.GetUtcNow();
            var due = new List<PendingMessage>();
            _schedule.TakeDue(now, due);
            foreach (var pending in due)
            {
                if (pending.State == PendingState.Outstanding)
                {
                    _expired++;
                    FailLocked(pending, now, deadLetters);
                }
                else
                {
                    pending.MarkReady();
                    _ready.Enqueue(pending);
                }
            }

            WakeWaitersLocked();
        }

        _host.ForwardDeadLetters(this, deadLetters);
    }

    /// <summary>A nack or an expiry: dead-letter it, back it off, or offer it again at once.</summary>
    private void FailLocked(PendingMessage pending, DateTimeOffset now, DeadLetterBatch deadLetters)
    {
        pending.MarkFailed()?.Release(pending.Size);
        _outstanding--;
        if (Settings.DeadLetter is { } deadLetter
            && pending.Failures >= deadLetter.MaxDeliveryAttempts
            && _host.CanDeadLetterTo(deadLetter.Topic))
        {
            deadLetters.Add(pending.Message!, pending.Failures);
            _unacked.Remove(pending.Sequence);
            pending.MarkRemoved();
            return;
        }

        var backoff = Settings.Retry?.BackoffAfter(pending.Failures) ?? TimeSpan.Zero;
        if (backoff > TimeSpan.Zero)
        {
            pending.MarkBackingOff();
            _schedule.Add(pending, now + backoff, _unacked.Count);
            return;
        }

        _ready.Enqueue(pending);
        WakeWaitersLocked();
    }

    private void WakeWaitersLocked()
    {
        if (_ready.Count == 0)
        {
            return;
        }

        foreach (var waiter in _waiters)
        {
            waiter.Set();
        }
    }
}
