using System.Collections.Concurrent;
using System.Globalization;
using Google.Cloud.PubSub.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PullWorker.Emulator.PubSub.Streaming;
using PullWorker.Emulator.PubSub.Validation;

namespace PullWorker.Emulator.PubSub.State;

/// <summary>
/// All Pub/Sub state of the emulator: topics, subscriptions and open streams. It outlives the gRPC server
/// (a restart keeps it). Creates and deletes take one admin lock so a subscription never attaches to a
/// topic being deleted; publishes and deliveries only touch the per-subscription locks.
/// </summary>
internal sealed partial class PubSubBroker(TimeProvider time, ILogger<PubSubBroker> logger) : IDeliveryHost, IDisposable
{
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SubscriptionState> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<StreamingPullSession, byte> _streams = new();
    private readonly Lock _adminLock = new();
    private long _lastMessageId;
    private long _lastIncarnation;
    private volatile bool _paused;

    public TimeProvider Time => time;

    public bool IsDeliveryPaused => _paused;

    public int OpenStreamCount => _streams.Count;

    public Topic CreateTopic(Topic request)
    {
        lock (_adminLock)
        {
            var topic = new TopicState(request.Clone());
            return _topics.TryAdd(request.Name, topic)
                ? topic.Describe()
                : throw RpcErrors.AlreadyExists("topic", request.Name);
        }
    }

    public Topic GetTopic(string name) => FindTopic(name).Describe();

    public void DeleteTopic(string name)
    {
        lock (_adminLock)
        {
            if (!_topics.TryRemove(name, out var topic))
            {
                throw RpcErrors.NotFound("topic", name);
            }

            foreach (var subscription in topic.DetachAll())
            {
                subscription.DetachFromTopic(ResourceNames.DeletedTopic);
            }
        }
    }

    /// <summary>Stamps each message with an ID and the publish time, then hands the batch to every subscription.</summary>
    public List<string> Publish(string topicName, IReadOnlyList<PubsubMessage> messages)
    {
        var topic = FindTopic(topicName);
        var publishTime = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        var ids = new List<string>(messages.Count);
        var published = new PublishedMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            message.MessageId = Interlocked.Increment(ref _lastMessageId).ToString(CultureInfo.InvariantCulture);
            message.PublishTime = publishTime;
            ids.Add(message.MessageId);
            published[i] = PublishedMessage.Of(message);
        }

        topic.FanOut(published);
        return ids;
    }

    public Subscription CreateSubscription(Subscription request)
    {
        var (settings, resource) = SubscriptionSettings.FromRequest(request);
        lock (_adminLock)
        {
            var topic = FindTopic(request.Topic);
            if (settings.DeadLetter is { } deadLetter && !_topics.ContainsKey(deadLetter.Topic))
            {
                throw RpcErrors.NotFound("dead_letter_topic", deadLetter.Topic);
            }

            var subscription = new SubscriptionState(Interlocked.Increment(ref _lastIncarnation), settings, resource, this);
            if (!_subscriptions.TryAdd(request.Name, subscription))
            {
                throw RpcErrors.AlreadyExists("subscription", request.Name);
            }

            topic.Attach(subscription);
            return subscription.Describe();
        }
    }

    /// <exception cref="RpcException">NOT_FOUND.</exception>
    public SubscriptionState FindSubscription(string name) =>
        _subscriptions.TryGetValue(name, out var subscription)
            ? subscription
            : throw RpcErrors.NotFound("subscription", name);

    public void DeleteSubscription(string name)
    {
        SubscriptionState? subscription;
        lock (_adminLock)
        {
            if (!_subscriptions.TryRemove(name, out subscription))
            {
                throw RpcErrors.NotFound("subscription", name);
            }

            if (_topics.TryGetValue(subscription.Describe().Topic, out var topic))
            {
                topic.Detach(subscription);
            }
        }

        subscription.Close();
        var gone = new Status(StatusCode.NotFound, $"Subscription does not exist (resource={name}).");
        foreach (var stream in _streams.Keys.Where(stream => stream.Subscription == subscription))
        {
            stream.Abort(gone);
        }
    }

    /// <exception cref="KeyNotFoundException">No subscription of that name.</exception>
    public SubscriptionStats GetStats(string subscription) =>
        _subscriptions.TryGetValue(subscription, out var state)
            ? state.GetStats()
            : throw new KeyNotFoundException($"The emulator has no subscription named '{subscription}'.");

    public void PauseDelivery() => _paused = true;

    public void ResumeDelivery()
    {
        _paused = false;
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.WakeWaiters();
        }
    }

    public void RegisterStream(StreamingPullSession stream) => _streams.TryAdd(stream, 0);

    public void UnregisterStream(StreamingPullSession stream)
    {
        _streams.TryRemove(stream, out _);
        stream.MarkEnded();
    }

    /// <returns>Completes when every stream aborted here has ended.</returns>
    public Task CloseAllStreams(Status status)
    {
        var streams = _streams.Keys.ToList();
        foreach (var stream in streams)
        {
            stream.Abort(status);
        }

        return Task.WhenAll(streams.Select(stream => stream.Ended));
    }

    public bool CanDeadLetterTo(string topic)
    {
        if (_topics.ContainsKey(topic))
        {
            return true;
        }

        LogDeadLetterTopicMissing(topic);
        return false;
    }

    public void ForwardDeadLetters(SubscriptionState source, DeadLetterBatch batch)
    {
        if (batch.IsEmpty || source.Settings.DeadLetter is not { } deadLetter)
        {
            return;
        }

        var messages = batch.ToMessages(source.Name);
        if (_topics.ContainsKey(deadLetter.Topic))
        {
            Publish(deadLetter.Topic, messages);
        }
        else
        {
            // Deleted between the check under the subscription's lock and now; the service is best-effort here too.
            LogDeadLettersLost(messages.Count, deadLetter.Topic, source.Name);
        }
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions.Values)
        {
            subscription.Close();
        }
    }

    private TopicState FindTopic(string name) =>
        _topics.TryGetValue(name, out var topic) ? topic : throw RpcErrors.NotFound("topic", name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-letter topic {Topic} does not exist; the message is redelivered instead")]
    private partial void LogDeadLetterTopicMissing(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} dead letters from {Subscription} were lost: topic {Topic} was deleted")]
    private partial void LogDeadLettersLost(int count, string topic, string subscription);
}
