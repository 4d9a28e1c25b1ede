using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Names;
using PullWorker.PubSub.Subscribing.Acking;

namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// Pulls a subscription over StreamingPull and hands out leased messages through <see cref="Messages"/>,
/// never more than the flow-control limits at once. Leases are extended until each message is acked or
/// nacked. Stop with <see cref="StopAsync"/> (soft, bounded) or <see cref="DisposeAsync"/>.
/// </summary>
public sealed class PubSubSubscriber : IAsyncDisposable
{
    private readonly SubscriberSettings _settings;
    private readonly PubSubConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<LeasedMessage> _messages;
    private readonly LeaseTiming _timing;
    private readonly LeaseInventory _inventory;
    private readonly AckQueue _acks;
    private readonly SubscriberMetrics _metrics;
    private readonly StreamContext _streamContext;

    // One source per concern: streams half-close first (_closeCts) and are cancelled (_pullCts) once the
    // service has ended them or the close timeout passed, lease extension stops after the drain, ack
    // sending last (cancelled only by a hard stop or when the flush outlives its timeout).
    private readonly CancellationTokenSource _closeCts = new();
    private readonly CancellationTokenSource _pullCts = new();
    private readonly CancellationTokenSource _leaseCts = new();
    private readonly CancellationTokenSource _hardStopCts = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stopLock = new();
    private Task[] _streamTasks = [];
    private Task _leaseTask = Task.CompletedTask;
    private Task _ackTask = Task.CompletedTask;
    private Task? _stopTask;
    private Exception? _fault;

    private PubSubSubscriber(
        SubscriberSettings settings, SubscriptionName subscription, PubSubConnection connection, bool exactlyOnce, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _connection = connection;
        _time = time;
        _logger = logger;
        Subscription = subscription;
        var name = subscription.ToString();
        _timing = new LeaseTiming(settings, new ProcessingTimeHistogram()) { ExactlyOnce = exactlyOnce };
        _messages = Channel.CreateBounded<LeasedMessage>(new BoundedChannelOptions(settings.MaxOutstandingMessages)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
        });
        _inventory = null!;
        _metrics = new SubscriberMetrics(name, () => _inventory.HandedOut);
        var sender = new AckSender(new GrpcAckTransport(connection, name, time), time, () => _timing.ExactlyOnce, logger);
        // A quarter of the flow-control window waiting for the flush is worth a request of its own.
        _acks = new AckQueue(name, sender, settings.AckFlushInterval, time, settings.MaxOutstandingMessages / 4, (_, latency) => _metrics.AckLatency(latency));
        _inventory = new LeaseInventory(settings, _timing, _timing.Histogram, _acks, _messages.Writer, time);
        _inventory.Settled += (settlement, count) =>
        {
            if (settlement == Settlement.Ack)
            {
                _metrics.Acked();
            }
            else
            {
                _metrics.Nacked(count);
            }
        };
        _streamContext = new StreamContext(name, Guid.NewGuid().ToString("N"), connection.Identity, settings, _timing, _metrics, time, logger);
    }

    public SubscriptionName Subscription { get; }

    /// <summary>
    /// Leased messages, at most <see cref="SubscriberSettings.MaxOutstandingMessages"/> /
    /// <see cref="SubscriberSettings.MaxOutstandingBytes"/> unsettled at any time. Completes on stop, or
    /// with the error that ended the subscriber (e.g. the subscription was deleted).
    /// </summary>
    public ChannelReader<LeasedMessage> Messages => _messages.Reader;

    /// <summary>Completes when the subscriber has stopped; faults with the error that ended it, if one did.</summary>
    public Task Completion => _completion.Task;

    public bool ExactlyOnceDelivery => _timing.ExactlyOnce;

    /// <summary>
    /// Deliveries after which Pub/Sub dead-letters a message, when the subscription has a dead-letter policy
    /// (and the identity may read the subscription); null otherwise.
    /// </summary>
    public int? MaxDeliveryAttempts { get; private init; }

    /// <summary>
    /// Checks the configuration and starts pulling. Talks to the emulator when
    /// <see cref="PubSubConnectionOptions.EmulatorHost"/> is set (by default from PUBSUB_EMULATOR_HOST).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="PubSubConfigurationException">
    /// A malformed subscription name, no credentials, NOT_FOUND, PERMISSION_DENIED, a detached subscription.
    /// </exception>
    public static async Task<PubSubSubscriber> StartAsync(
        SubscriberSettings settings,
        PubSubConnectionOptions connectionOptions,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connectionOptions);
        settings.Validate();
        var name = ResourceName.ParseSetting(SubscriptionName.Parse, settings.Subscription, "Subscriber setting Subscription");

        var time = timeProvider ?? TimeProvider.System;
        var logger = (ILogger?)loggerFactory?.CreateLogger<PubSubSubscriber>() ?? NullLogger.Instance;
        var connection = await PubSubConnection.CreateAsync(connectionOptions, settings.StreamCount, cancellationToken);
        try
        {
            var found = await SubscriptionValidation.GetAsync(connection, name.ToString(), time, logger, cancellationToken);
            var subscriber = new PubSubSubscriber(settings, name, connection, found?.EnableExactlyOnceDelivery ?? false, time, logger)
            {
                // 0 in a policy means Pub/Sub's default of 5.
                MaxDeliveryAttempts = found?.DeadLetterPolicy is { } policy ? (policy.MaxDeliveryAttempts > 0 ? policy.MaxDeliveryAttempts : 5) : null,
            };
            subscriber.Start();
            logger.Started(name.ToString(), settings.StreamCount, subscriber.ExactlyOnceDelivery, connection.Identity);
            return subscriber;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public SubscriberSnapshot Snapshot()
    {
        var (count, bytes) = _inventory.HandedOut;
        return new SubscriberSnapshot(count, bytes, _inventory.HeldCount, _inventory.LeasedCount, _acks.PendingCount, ExactlyOnceDelivery);
    }

    /// <summary>
    /// Soft stop: hand nothing more out and nack what was not handed out, half-close the streams and read
    /// them until the service ends them (nacking what still arrives), give handed-out messages until
    /// <paramref name="drainTimeout"/> after the call to be settled (then nack them), flush acks, and
    /// release the connections last. Cancelling <paramref name="cancellationToken"/> makes it a hard stop
    /// (nothing more is sent). Idempotent: later calls wait for the first. Does not throw on a fault;
    /// see <see cref="Completion"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(drainTimeout, TimeSpan.Zero);

        // Registered first, so a token cancelled already makes the stop hard from its first step.
        await using var hardStop = cancellationToken.Register(() => _hardStopCts.Cancel());
        Task stop;
        lock (_stopLock)
        {
            stop = _stopTask ??= StopCoreAsync(drainTimeout);
        }

        await stop;
    }

    /// <summary>A stop that lets handed-out messages finish for at most <see cref="SubscriberSettings.DisposeTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(_settings.DisposeTimeout, CancellationToken.None);
    }

    private void Start()
    {
        _ackTask = _acks.RunAsync(_hardStopCts.Token);
        _leaseTask = ExtendLeasesAsync(_leaseCts.Token);
        _streamTasks = Enumerable.Range(0, _settings.StreamCount)
            .Select(i => PullAsync(new PullStream(i, _connection.SubscriberOn(i), _streamContext, _inventory), _closeCts.Token, _pullCts.Token))
            .ToArray();
    }

    private async Task PullAsync(PullStream stream, CancellationToken closeToken, CancellationToken pullToken)
    {
        try
        {
            await stream.RunAsync(closeToken, pullToken);
        }
        catch (OperationCanceledException) when (pullToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            // A non-retryable error: stop pulling on every stream and end the channel with the reason, so
            // whoever reads messages learns why. Messages already handed out can still be settled.
            lock (_stopLock)
            {
                _fault ??= ex;
            }

            _logger.Faulted(ex, Subscription.ToString());
            await _pullCts.CancelAsync();
            _messages.Writer.TryComplete(ex);
        }
    }

    private async Task ExtendLeasesAsync(CancellationToken leaseToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_timing.ScanInterval, _time);
            while (await timer.WaitForNextTickAsync(leaseToken))
            {
                var work = _inventory.CollectLeaseWork(_time.GetUtcNow());
                if (work.Released > 0)
                {
                    _metrics.Expired(work.Released);
                    _logger.LeasesReleased(work.Released, _settings.MaxTotalAckExtension, work.ReleasedHandedOut);
                }
            }
        }
        catch (OperationCanceledException) when (leaseToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task StopCoreAsync(TimeSpan drainTimeout)
    {
        var hard = _hardStopCts.Token;
        var name = Subscription.ToString();
        _logger.Stopping(name, _inventory.HandedOut.Count, drainTimeout);
        var began = _time.GetTimestamp();
        try
        {
            // Nothing more reaches the reader; what the streams still deliver is nacked once they ended.
            _inventory.CloseDispatch(_messages.Reader);
            await CloseStreamsAsync(hard);
            var late = _inventory.NackLateArrivals();
            if (late > 0)
            {
                _logger.LateArrivalsNacked(late);
            }

            // The handler has been working all along: the drain budget counts from the stop, so closing the
            // streams does not lengthen a stop that must fit in a preemption notice.
            var drainLeft = drainTimeout - _time.GetElapsedTime(began);
            try
            {
                await _inventory.WaitUntilSettledAsync(hard).WaitAsync(drainLeft > TimeSpan.Zero ? drainLeft : TimeSpan.Zero, _time, hard);
            }
            catch (TimeoutException)
            {
                _logger.StopTimedOut(_inventory.NackHandedOut());
            }

            await _leaseCts.CancelAsync();
            await _leaseTask;
            _acks.Complete();
            try
            {
                await _ackTask.WaitAsync(_settings.AckFlushTimeout, _time, hard);
            }
            catch (TimeoutException)
            {
                await _hardStopCts.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            // Hard stop: whatever is still queued is reported to its callers as not sent.
        }
        finally
        {
            await ReleaseAsync();
            _logger.Stopped(name);
        }
    }

    /// <summary>
    /// Half-closes every stream and waits, at most <see cref="SubscriberSettings.StreamCloseTimeout"/>, for
    /// the service to end them: cancelling at once would lose whatever it had already sent (still in the
    /// HTTP/2 buffers), which it counts as delivered until the lease lapses.
    /// </summary>
    private async Task CloseStreamsAsync(CancellationToken hard)
    {
        await _closeCts.CancelAsync();
        try
        {
            await Task.WhenAll(_streamTasks).WaitAsync(_settings.StreamCloseTimeout, _time, hard);
        }
        catch (TimeoutException)
        {
            _logger.StreamCloseTimedOut(_settings.StreamCloseTimeout);
            await _pullCts.CancelAsync();
            await Task.WhenAll(_streamTasks);
        }
    }

    /// <summary>
    /// Ends every task and only then disposes the channels: disposing a GrpcChannel under a live
    /// streaming call can deadlock (grpc-dotnet#2119).
    /// </summary>
    private async Task ReleaseAsync()
    {
        await _pullCts.CancelAsync();
        await _leaseCts.CancelAsync();
        _acks.Complete();
        _inventory.CloseDispatch(_messages.Reader);
        await Task.WhenAll(_streamTasks);
        await _leaseTask;
        try
        {
            await _ackTask;
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the hard stop.
        }

        _connection.Dispose();
        _metrics.Dispose();
        _closeCts.Dispose();
        _pullCts.Dispose();
        _leaseCts.Dispose();
        if (_fault is { } fault)
        {
            _completion.TrySetException(fault);
        }
        else
        {
            _completion.TrySetResult();
        }
    }
}
