using System.Threading.Channels;

namespace PullWorker.PubSub.Subscribing.Acking;

/// <summary>
/// Collects acks, receipt modacks, nacks and extensions and sends them in batches about every
/// <see cref="SubscriberSettings.AckFlushInterval"/>: acks first, extensions last, each request within
/// the service's size limits, at most <see cref="MaxConcurrentRequests"/> at a time. Once
/// <c>flushThreshold</c> IDs are waiting they go at once: the service counts a message against the
/// stream's flow-control budget until its ack arrives, so a long gather would starve the pipe.
/// </summary>
/// <remarks>
/// The pending lists are not bounded by a capacity because they cannot outgrow the leases: every leased
/// message contributes at most one pending ID per kind, and the leases are bounded by flow control.
/// </remarks>
internal sealed class AckQueue
{
    public const int MaxConcurrentRequests = 4;

    private readonly AckSender _sender;
    private readonly TimeProvider _time;
    private readonly TimeSpan _flushInterval;
    private readonly int _fixedBytes;
    private readonly int _flushThreshold;
    private readonly Action<AckBatch, TimeSpan>? _onSent;
    private readonly Lock _lock = new();
    private readonly List<PendingAck> _acks = [];
    private readonly SortedDictionary<int, List<PendingAck>> _receipts = [];
    private readonly SortedDictionary<int, List<PendingAck>> _nacks = [];
    private readonly SortedDictionary<int, List<PendingAck>> _extends = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _slots = new(MaxConcurrentRequests);
    private readonly List<Task> _inFlight = [];
    private long _oldestPending;
    private int _pendingCount;
    private bool _closed;
    private CancellationTokenSource? _gathering;

    public AckQueue(
        string subscription,
        AckSender sender,
        TimeSpan flushInterval,
        TimeProvider time,
        int flushThreshold = AckBatching.MaxIdsPerRequest,
        Action<AckBatch, TimeSpan>? onSent = null)
    {
        _flushThreshold = Math.Clamp(flushThreshold, 1, AckBatching.MaxIdsPerRequest);
        _sender = sender;
        _time = time;
        _flushInterval = flushInterval;
        _fixedBytes = AckBatching.FixedBytes(subscription);
        _onSent = onSent;
    }

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pendingCount;
            }
        }
    }

    public void Enqueue(AckKind kind, int deadlineSeconds, PendingAck item) => Enqueue(kind, deadlineSeconds, [item]);

    /// <summary>Queues IDs; after <see cref="Complete"/> they fail at once as transient failures.</summary>
    public void Enqueue(AckKind kind, int deadlineSeconds, IReadOnlyCollection<PendingAck> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        CancellationTokenSource? flushNow = null;
        var accepted = false;
        lock (_lock)
        {
            if (!_closed)
            {
                accepted = true;
                if (_pendingCount == 0)
                {
                    _oldestPending = _time.GetTimestamp();
                }

                _pendingCount += items.Count;

                if (kind == AckKind.Ack)
                {
                    _acks.AddRange(items);
                }
                else
                {
                    var byDeadline = kind switch { AckKind.Receipt => _receipts, AckKind.Nack => _nacks, _ => _extends };
                    if (!byDeadline.TryGetValue(deadlineSeconds, out var list))
                    {
                        byDeadline[deadlineSeconds] = list = [];
                    }

                    list.AddRange(items);
                }

                if (_pendingCount >= _flushThreshold)
                {
                    (flushNow, _gathering) = (_gathering, null);
                }
            }
        }

        if (accepted)
        {
            _wake.Writer.TryWrite(true);
            if (flushNow is not null)
            {
                // Taken from the gathering loop, so ours to cancel and dispose.
                flushNow.Cancel();
                flushNow.Dispose();
            }

            return;
        }

        var stopped = new AckOutcome(AckStatus.TransientFailure, "subscriber stopped");
        foreach (var item in items)
        {
            item.Complete(stopped);
        }
    }

    /// <summary>The flush loop; ends once <see cref="Complete"/> was called and everything queued was sent.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(cancellationToken))
            {
                _wake.Reader.TryRead(out _);
                await GatherAsync(cancellationToken);

                foreach (var batch in TakeBatches())
                {
                    await _slots.WaitAsync(cancellationToken);
                    Track(SendAsync(batch, cancellationToken));
                }
            }
        }
        finally
        {
            Task[] running;
            lock (_lock)
            {
                running = [.. _inFlight];
            }

            // SendAsync never throws; on a hard stop it completes its IDs as "subscriber stopped".
            await Task.WhenAll(running);
            FailRemaining();
        }
    }

    /// <summary>Waits one flush interval so IDs go out in few requests, unless enough are already waiting.</summary>
    private async Task GatherAsync(CancellationToken cancellationToken)
    {
        var gathering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            if (_closed || _pendingCount == 0 || _pendingCount >= _flushThreshold)
            {
                gathering.Dispose();
                return;
            }

            _gathering = gathering;
        }

        try
        {
            await Task.Delay(_flushInterval, _time, gathering.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Enough IDs arrived: flush now.
        }
        finally
        {
            // Whoever takes the source from the field disposes it: Enqueue when it cut the wait short.
            lock (_lock)
            {
                if (_gathering == gathering)
                {
                    _gathering = null;
                    gathering.Dispose();
                }
            }
        }
    }

    /// <summary>Stops accepting IDs and lets the loop send what is queued and end.</summary>
    public void Complete()
    {
        CancellationTokenSource? gathering;
        lock (_lock)
        {
            _closed = true;
            (gathering, _gathering) = (_gathering, null);
        }

        gathering?.Cancel();
        gathering?.Dispose();

        _wake.Writer.TryWrite(true);
        _wake.Writer.TryComplete();
    }

    private bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    private async Task SendAsync(AckBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await _sender.SendAsync(batch, cancellationToken);
            _onSent?.Invoke(batch, _time.GetElapsedTime(batch.EnqueuedAt));
        }
        finally
        {
            _slots.Release();
        }
    }

    private void Track(Task task)
    {
        lock (_lock)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(task);
        }
    }

    /// <summary>Everything queued, as requests in sending order.</summary>
    internal List<AckBatch> TakeBatches()
    {
        var batches = new List<AckBatch>();
        lock (_lock)
        {
            var enqueuedAt = _oldestPending;
            _pendingCount = 0;
            AddBatches(batches, AckKind.Ack, 0, _acks, enqueuedAt);
            _acks.Clear();
            foreach (var (kind, byDeadline) in new[] { (AckKind.Receipt, _receipts), (AckKind.Nack, _nacks), (AckKind.Extend, _extends) })
            {
                foreach (var (deadline, items) in byDeadline)
                {
                    AddBatches(batches, kind, deadline, items, enqueuedAt);
                }

                byDeadline.Clear();
            }
        }

        return batches;
    }

    private void AddBatches(List<AckBatch> batches, AckKind kind, int deadline, List<PendingAck> items, long enqueuedAt)
    {
        foreach (var part in AckBatching.Split(items, _fixedBytes))
        {
            batches.Add(new AckBatch(kind, deadline, part, enqueuedAt));
        }
    }

    private void FailRemaining()
    {
        foreach (var batch in TakeBatches())
        {
            foreach (var item in batch.Items)
            {
                item.Complete(new AckOutcome(AckStatus.TransientFailure, "subscriber stopped"));
            }
        }
    }
}
