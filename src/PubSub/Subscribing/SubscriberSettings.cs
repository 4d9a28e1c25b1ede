namespace PullWorker.PubSub.Subscribing;

/// <summary>
/// How a <see cref="PubSubSubscriber"/> pulls and leases. Defaults follow the official clients
/// (google-cloud-dotnet, nodejs-pubsub); the constants document them.
/// </summary>
public sealed record SubscriberSettings
{
    public const int DefaultStreamCount = 4;
    public const int MaxStreamCount = 32;
    public const int DefaultMaxOutstandingMessages = 1_000;
    public const long DefaultMaxOutstandingBytes = 100_000_000;

    /// <summary>Service limits for any ack deadline.</summary>
    public static readonly TimeSpan MinimumAckDeadline = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaximumAckDeadline = TimeSpan.FromSeconds(600);

    /// <summary>Exactly-once leases that lapse turn acks into permanent failures, so they never go below this.</summary>
    public static readonly TimeSpan MinimumExactlyOnceAckDeadline = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultAckDeadline = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultAckExtensionWindow = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultMaxTotalAckExtension = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultStreamSilenceTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan DefaultStreamDeadline = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan DefaultAckFlushInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultAckFlushTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultDisposeTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultStreamCloseTimeout = TimeSpan.FromSeconds(3);

    /// <summary><c>projects/{project}/subscriptions/{id}</c>.</summary>
    public required string Subscription { get; init; }

    /// <summary>StreamingPull streams, each on its own HTTP/2 connection (about 10 MB/s per stream).</summary>
    public int StreamCount { get; init; } = DefaultStreamCount;

    /// <summary>Messages handed out and not yet acked or nacked, across all streams.</summary>
    public int MaxOutstandingMessages { get; init; } = DefaultMaxOutstandingMessages;

    /// <summary>Bytes of messages handed out and not yet settled, across all streams.</summary>
    public long MaxOutstandingBytes { get; init; } = DefaultMaxOutstandingBytes;

    /// <summary>The lease sent on the stream and used until processing times have been observed.</summary>
    public TimeSpan AckDeadline { get; init; } = DefaultAckDeadline;

    /// <summary>Lower bound of the lease derived from the processing-time p99.</summary>
    public TimeSpan MinAckDeadline { get; init; } = MinimumAckDeadline;

    /// <summary>Upper bound of the lease derived from the processing-time p99.</summary>
    public TimeSpan MaxAckDeadline { get; init; } = MaximumAckDeadline;

    /// <summary>How long before a lease runs out it is extended (at most half the lease).</summary>
    public TimeSpan AckExtensionWindow { get; init; } = DefaultAckExtensionWindow;

    /// <summary>After this long a message is no longer extended and is released for redelivery.</summary>
    public TimeSpan MaxTotalAckExtension { get; init; } = DefaultMaxTotalAckExtension;

    /// <summary>An empty request written on every stream this often, so idle streams are not cut.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = DefaultKeepAliveInterval;

    /// <summary>A stream that delivers nothing (not even a keep-alive answer) this long is reopened.</summary>
    public TimeSpan StreamSilenceTimeout { get; init; } = DefaultStreamSilenceTimeout;

    /// <summary>Client deadline of one StreamingPull call; the stream is then reopened.</summary>
    public TimeSpan StreamDeadline { get; init; } = DefaultStreamDeadline;

    /// <summary>Acks, nacks and extensions wait at most this long to be batched.</summary>
    public TimeSpan AckFlushInterval { get; init; } = DefaultAckFlushInterval;

    /// <summary>On stop, how long pending acks may take to be sent.</summary>
    public TimeSpan AckFlushTimeout { get; init; } = DefaultAckFlushTimeout;

    /// <summary>How long <see cref="PubSubSubscriber.DisposeAsync"/> lets handed-out messages finish.</summary>
    public TimeSpan DisposeTimeout { get; init; } = DefaultDisposeTimeout;

    /// <summary>
    /// On a soft stop, how long a half-closed stream may take to deliver what the service already sent and
    /// end; it is then cancelled, and whatever was still in flight returns only when its lease lapses.
    /// </summary>
    public TimeSpan StreamCloseTimeout { get; init; } = DefaultStreamCloseTimeout;

    /// <summary>Consecutive failed stream opens after which the subscriber gives up.</summary>
    public int MaxConsecutiveStreamFailures { get; init; } = 100;

    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(StreamCount is >= 1 and <= MaxStreamCount, nameof(StreamCount), $"must be 1..{MaxStreamCount}");
        Require(MaxOutstandingMessages >= 1, nameof(MaxOutstandingMessages), "must be at least 1");
        Require(MaxOutstandingBytes >= 1, nameof(MaxOutstandingBytes), "must be at least 1");
        RequireDeadline(AckDeadline, nameof(AckDeadline));
        RequireDeadline(MinAckDeadline, nameof(MinAckDeadline));
        RequireDeadline(MaxAckDeadline, nameof(MaxAckDeadline));
        Require(MinAckDeadline <= MaxAckDeadline, nameof(MinAckDeadline), $"must not exceed {nameof(MaxAckDeadline)}");
        Require(AckExtensionWindow > TimeSpan.Zero, nameof(AckExtensionWindow), "must be positive");
        Require(MaxTotalAckExtension > TimeSpan.Zero, nameof(MaxTotalAckExtension), "must be positive");
        Require(KeepAliveInterval > TimeSpan.Zero, nameof(KeepAliveInterval), "must be positive");
        Require(StreamSilenceTimeout > KeepAliveInterval, nameof(StreamSilenceTimeout), $"must exceed {nameof(KeepAliveInterval)}");
        Require(StreamDeadline > TimeSpan.Zero, nameof(StreamDeadline), "must be positive");
        Require(AckFlushInterval > TimeSpan.Zero, nameof(AckFlushInterval), "must be positive");
        Require(AckFlushTimeout > TimeSpan.Zero, nameof(AckFlushTimeout), "must be positive");
        Require(StreamCloseTimeout > TimeSpan.Zero, nameof(StreamCloseTimeout), "must be positive");
        Require(DisposeTimeout >= TimeSpan.Zero, nameof(DisposeTimeout), "must not be negative");
        Require(MaxConsecutiveStreamFailures >= 1, nameof(MaxConsecutiveStreamFailures), "must be at least 1");
    }

    private static void RequireDeadline(TimeSpan value, string name) =>
        Require(value >= MinimumAckDeadline && value <= MaximumAckDeadline, name, "must be 10..600 s (the service's limits)");

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Subscriber setting {name} {rule}.", name);
        }
    }
}
