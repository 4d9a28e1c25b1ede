using System.Threading.Channels;
using Google.Cloud.PubSub.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Names;
using PullWorker.PubSub.Subscribing;

namespace PullWorker.PubSub.Publishing;

/// <summary>
/// Publishes to one topic in batches (by count, bytes and delay, within the service's 1,000-message /
/// 10 MB request limits), retrying the codes of the official retry config, and returns message IDs.
/// Ordering keys are passed through; batches may be sent concurrently, so order is not guaranteed.
/// </summary>
public sealed class PubSubPublisher : IAsyncDisposable
{
    private readonly PublisherSettings _settings;
    private readonly PubSubConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _topic;
    private readonly int _fixedBytes;
    private readonly Channel<PendingPublish> _pending;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _sendCts = new();
    private readonly Lock _lock = new();
    private readonly List<Task> _inFlight = [];
    private readonly Task _batchLoop;

    private PubSubPublisher(PublisherSettings settings, TopicName topic, PubSubConnection connection, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _connection = connection;
        _time = time;
        _logger = logger;
        _topic = topic.ToString();
        _fixedBytes = PublishBatching.FixedBytes(_topic);
        _pending = Channel.CreateBounded<PendingPublish>(new BoundedChannelOptions(settings.MaxPendingMessages)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _slots = new SemaphoreSlim(settings.MaxConcurrentRequests);
        _batchLoop = BatchAsync(_sendCts.Token);
    }

    public TopicName Topic => TopicName.Parse(_topic);

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="PubSubConfigurationException">A malformed topic name, or no credentials.</exception>
    public static async Task<PubSubPublisher> CreateAsync(
        PublisherSettings settings,
        PubSubConnectionOptions connectionOptions,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(connectionOptions);
        settings.Validate();
        var topic = ResourceName.ParseSetting(TopicName.Parse, settings.Topic, "Publisher setting Topic");

        var connection = await PubSubConnection.CreateAsync(connectionOptions, 1, cancellationToken);
        var logger = (ILogger?)loggerFactory?.CreateLogger<PubSubPublisher>() ?? NullLogger.Instance;
        return new PubSubPublisher(settings, topic, connection, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>Queues a message and returns its ID once published. Waits while the queue is full.</summary>
    /// <exception cref="ArgumentException">The message is empty or larger than a request may be.</exception>
    /// <exception cref="PubSubConfigurationException">NOT_FOUND or PERMISSION_DENIED on the topic.</exception>
    /// <exception cref="RpcException">Publishing kept failing for the whole retry budget.</exception>
    public async Task<string> PublishAsync(PubsubMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Data.IsEmpty && message.Attributes.Count == 0)
        {
            throw new ArgumentException("A Pub/Sub message needs data or at least one attribute.", nameof(message));
        }

        var size = PublishBatching.RequestBytes(message);
        if (size + _fixedBytes > PublisherSettings.MaxBytesPerRequest)
        {
            throw new ArgumentException(
                $"The message is {size} bytes; a Publish request is limited to {PublisherSettings.MaxBytesPerRequest} bytes.", nameof(message));
        }

        var pending = new PendingPublish(message, size, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _pending.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The publisher is disposed.", ex);
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public Task<string> PublishAsync(
        ReadOnlyMemory<byte> data,
        IReadOnlyDictionary<string, string>? attributes = null,
        string? orderingKey = null,
        CancellationToken cancellationToken = default)
    {
        var message = new PubsubMessage { Data = ByteString.CopyFrom(data.Span), OrderingKey = orderingKey ?? "" };
        if (attributes is not null)
        {
            foreach (var (key, value) in attributes)
            {
                message.Attributes[key] = value;
            }
        }

        return PublishAsync(message, cancellationToken);
    }

    /// <summary>Sends what is queued (for at most <see cref="PublisherSettings.DisposeTimeout"/>), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        try
        {
            await _batchLoop.WaitAsync(_settings.DisposeTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _sendCts.CancelAsync();
        }

        await _batchLoop;
        _connection.Dispose();
        _sendCts.Dispose();
        _slots.Dispose();
    }

    private async Task BatchAsync(CancellationToken cancellationToken)
    {
        var reader = _pending.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                if (reader.Count < _settings.MaxBatchMessages && _settings.MaxBatchDelay > TimeSpan.Zero && !reader.Completion.IsCompleted)
                {
                    await Task.Delay(_settings.MaxBatchDelay, _time, cancellationToken);
                }

                var batch = TakeBatch(reader);
                await _slots.WaitAsync(cancellationToken);
                lock (_lock)
                {
                    _inFlight.RemoveAll(t => t.IsCompleted);
                    _inFlight.Add(SendAsync(batch, cancellationToken));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Dispose ran out of time; what is left fails below.
        }
        finally
        {
            Task[] running;
            lock (_lock)
            {
                running = [.. _inFlight];
            }

            await Task.WhenAll(running);
            var disposed = new ObjectDisposedException("The publisher was disposed before the message was sent.");
            while (reader.TryRead(out var left))
            {
                left.Completion.TrySetException(disposed);
            }
        }
    }

    private List<PendingPublish> TakeBatch(ChannelReader<PendingPublish> reader)
    {
        var batch = new List<PendingPublish>();
        var bytes = _fixedBytes;
        while (reader.TryPeek(out var next) && PublishBatching.Fits(batch.Count, bytes, next, _settings) && reader.TryRead(out next))
        {
            batch.Add(next);
            bytes += next.Size;
        }

        return batch;
    }

    /// <summary>Never throws: every message's completion is set.</summary>
    private async Task SendAsync(List<PendingPublish> batch, CancellationToken cancellationToken)
    {
        try
        {
            var ids = await PublishWithRetryAsync(batch, cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(ids[i]);
            }
        }
        catch (Exception ex)
        {
            var error = ex is RpcException rpc ? PubSubErrors.DescribeTopicError(rpc, _topic, _connection.Identity) ?? ex : ex;
            _logger.LogWarning(error, "Publishing {Count} messages to {Topic} failed", batch.Count, _topic);
            foreach (var item in batch)
            {
                item.Completion.TrySetException(error);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<IReadOnlyList<string>> PublishWithRetryAsync(List<PendingPublish> batch, CancellationToken cancellationToken)
    {
        var request = new PublishRequest { Topic = _topic, Messages = { batch.Select(p => p.Message) } };
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60), multiplier: 4);
        var started = _time.GetTimestamp();
        while (true)
        {
            var remaining = _settings.RetryBudget - _time.GetElapsedTime(started);
            try
            {
                var options = PubSubConnection.RoutedCall("topic", _topic, _time.GetUtcNow().UtcDateTime + remaining, cancellationToken);
                var response = await _connection.NextPublisher().PublishAsync(request, options);
                return response.MessageIds.Count == batch.Count
                    ? response.MessageIds
                    : throw new RpcException(new Status(StatusCode.Internal, $"Publish returned {response.MessageIds.Count} IDs for {batch.Count} messages"));
            }
            catch (RpcException ex) when (IsRetryable(ex.StatusCode) && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                if (_time.GetElapsedTime(started) + delay >= _settings.RetryBudget)
                {
                    throw;
                }

                _logger.LogDebug("Publish to {Topic} failed with {Code}; retrying in {Delay}", _topic, ex.StatusCode, delay);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    /// <summary>The Publish row of the official retry config (pubsub_grpc_service_config.json).</summary>
    internal static bool IsRetryable(StatusCode code) => code is StatusCode.Aborted or StatusCode.Cancelled or StatusCode.Internal
        or StatusCode.ResourceExhausted or StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DeadlineExceeded;
}
