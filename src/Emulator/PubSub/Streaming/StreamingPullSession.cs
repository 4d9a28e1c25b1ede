using Google.Cloud.PubSub.V1;
using Grpc.Core;
using PullWorker.Emulator.PubSub.State;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.Streaming;

/// <summary>
/// One open StreamingPull call. A reader applies acks, modacks and deadline changes as they arrive; a
/// writer waits on <see cref="Signal"/> and sends leased messages in batches while the stream's flow-control
/// budget (max_outstanding_* of the first request) has room. The budget counters are guarded by the
/// subscription's lock, which is where every lease starts and ends.
/// </summary>
internal sealed class StreamingPullSession
{
    /// <summary>Large batches cut per-response overhead; the flow budget and a byte cap still bound them.</summary>
    public const int MaxMessagesPerResponse = 500;

    private static readonly StreamingPullResponse.Types.SubscriptionProperties Properties = new();

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _maxMessages;
    private readonly long _maxBytes;
    private long _outstandingMessages;
    private long _outstandingBytes;
    private int _ackDeadlineSeconds;
    private int _keepAliveDue;
    private CancellationTokenSource? _stop;
    private Status? _abortStatus;

    public StreamingPullSession(SubscriptionState subscription, StreamingPullRequest first)
    {
        Subscription = subscription;
        _maxMessages = first.MaxOutstandingMessages;
        _maxBytes = first.MaxOutstandingBytes;
        _ackDeadlineSeconds = first.StreamAckDeadlineSeconds;
    }

    public SubscriptionState Subscription { get; }

    private Status? AbortStatus
    {
        get { lock (_gate) { return _abortStatus; } }
    }

    public DeliverySignal Signal { get; } = new();

    /// <summary>Completes once the call has finished and left the registry.</summary>
    public Task Ended => _ended.Task;

    /// <summary>The deadline given to messages this stream receives (stream_ack_deadline_seconds).</summary>
    public TimeSpan AckDeadline => TimeSpan.FromSeconds(Volatile.Read(ref _ackDeadlineSeconds));

    /// <summary>Under the subscription's lock. A message bigger than the byte budget still goes out alone, so nothing starves.</summary>
    public bool HasRoomFor(int size) =>
        (_maxMessages <= 0 || _outstandingMessages < _maxMessages)
        && (_maxBytes <= 0 || _outstandingBytes + size <= _maxBytes || _outstandingMessages == 0);

    /// <summary>Under the subscription's lock.</summary>
    public void Reserve(int size)
    {
        _outstandingMessages++;
        _outstandingBytes += size;
    }

    /// <summary>Under the subscription's lock: an ack, nack or expiry freed room, so the writer looks again.</summary>
    public void Release(int size)
    {
        _outstandingMessages--;
        _outstandingBytes -= size;
        Signal.Set();
    }

    /// <summary>Ends the call with <paramref name="status"/>; its leased messages stay outstanding until their deadlines.</summary>
    public void Abort(Status status)
    {
        lock (_gate)
        {
            if (_abortStatus is not null)
            {
                return;
            }

            _abortStatus = status;
            _stop?.Cancel();
        }
    }

    public void MarkEnded() => _ended.TrySetResult();

    /// <summary>Applies the acks and modacks a request carries (the first one included).</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT for a malformed ack ID.</exception>
    public void Apply(StreamingPullRequest request)
    {
        if (request.StreamAckDeadlineSeconds != 0)
        {
            Volatile.Write(ref _ackDeadlineSeconds, request.StreamAckDeadlineSeconds);
        }

        if (request.AckIds.Count > 0)
        {
            Subscription.Acknowledge(AckIds.Parse(request.AckIds, "ack_ids"));
        }

        if (request.ModifyDeadlineAckIds.Count > 0)
        {
            var ackIds = AckIds.Parse(request.ModifyDeadlineAckIds, "modify_deadline_ack_ids");
            foreach (var group in ackIds.Index().GroupBy(item => request.ModifyDeadlineSeconds[item.Index], item => item.Item))
            {
                Subscription.ModifyAckDeadline(group.ToList(), group.Key);
            }
        }
    }

    /// <summary>
    /// Serves the stream until the client half-closes or cancels, or the emulator aborts it. A half-close
    /// ends the stream with OK once the batch being written (already leased to this stream) is out, and
    /// takes no new one: messages the service counts as delivered must reach the client before the
    /// status, or they would come back only when their lease lapses. Google's fake server ends a stream
    /// the same way when Recv reports the client's half-close (google-cloud-go pubsub/pstest fake.go,
    /// stream.pull), and the Go client half-closes on stop (CloseSend in messageIterator.sender).
    /// </summary>
    /// <exception cref="RpcException">The status the stream was aborted with.</exception>
    public async Task RunAsync(
        IAsyncStreamReader<StreamingPullRequest> requests,
        IServerStreamWriter<StreamingPullResponse> responses,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var halfClosed = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        lock (_gate)
        {
            _stop = stop;
            if (_abortStatus is not null)
            {
                stop.Cancel();
            }
        }

        var reading = ReadRequestsAsync(requests, stop.Token);
        var writing = WriteResponsesAsync(responses, halfClosed.Token, stop.Token);
        await Task.WhenAny(reading, writing);
        if (reading.IsCompletedSuccessfully && AbortStatus is null)
        {
            await halfClosed.CancelAsync();
            await ObserveEndAsync(writing, cancellationToken);
        }

        lock (_gate)
        {
            stop.Cancel();
            _stop = null;
        }

        await ObserveEndAsync(reading, cancellationToken);
        await ObserveEndAsync(writing, cancellationToken);
        if (AbortStatus is { } status)
        {
            throw new RpcException(status);
        }
    }

    private async Task ReadRequestsAsync(IAsyncStreamReader<StreamingPullRequest> requests, CancellationToken cancellationToken)
    {
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                StreamingPullRules.CheckFollowUp(requests.Current);
                Apply(requests.Current);
                if (IsKeepAlive(requests.Current))
                {
                    // Answered by the writer, which owns the response stream.
                    Volatile.Write(ref _keepAliveDue, 1);
                    Signal.Set();
                }
            }
        }
        catch (RpcException invalid) when (!cancellationToken.IsCancellationRequested)
        {
            Abort(invalid.Status);
        }
    }

    /// <summary>Sends batches until <paramref name="halfClosed"/>; only <paramref name="cancellationToken"/> cuts a write short.</summary>
    private async Task WriteResponsesAsync(
        IServerStreamWriter<StreamingPullResponse> responses, CancellationToken halfClosed, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Signal.WaitAsync(halfClosed);
            var answered = false;
            List<ReceivedMessage> batch;
            while (!halfClosed.IsCancellationRequested && (batch = Subscription.TakeBatch(this, MaxMessagesPerResponse)).Count > 0)
            {
                var response = new StreamingPullResponse { SubscriptionProperties = Properties };
                response.ReceivedMessages.AddRange(batch);
                await responses.WriteAsync(response, cancellationToken);
                answered = true;
            }

            if (Interlocked.Exchange(ref _keepAliveDue, 0) == 1 && !answered && !halfClosed.IsCancellationRequested)
            {
                await responses.WriteAsync(new StreamingPullResponse { SubscriptionProperties = Properties }, cancellationToken);
            }
        }
    }

    /// <summary>
    /// An empty follow-up request is a client's keep-alive. Google's clients (the .NET one since 3.39) restart a
    /// stream on which the service does not answer one within 15 s, so the service answers with an empty response.
    /// </summary>
    private static bool IsKeepAlive(StreamingPullRequest request) =>
        request.AckIds.Count == 0 && request.ModifyDeadlineAckIds.Count == 0;

    /// <summary>
    /// Once the stream is ending, cancellation is the expected way out and a failed read or write only means
    /// the client or the emulator already ended the call; anything else is a bug and must surface.
    /// </summary>
    private async Task ObserveEndAsync(Task loop, CancellationToken callToken)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (callToken.IsCancellationRequested || AbortStatus is not null)
        {
        }
    }
}
