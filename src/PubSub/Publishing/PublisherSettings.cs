namespace PullWorker.PubSub.Publishing;

/// <summary>How a <see cref="PubSubPublisher"/> batches. Defaults follow google-cloud-dotnet's PublisherClient.</summary>
public sealed record PublisherSettings
{
    /// <summary>The service's limits for one Publish request.</summary>
    public const int MaxMessagesPerRequest = 1_000;
    public const int MaxBytesPerRequest = 10_000_000;

    public const int DefaultMaxBatchMessages = 100;
    public const int DefaultMaxBatchBytes = 1_000_000;
    public const int DefaultMaxConcurrentRequests = 4;
    public const int DefaultMaxPendingMessages = 10_000;
    public static readonly TimeSpan DefaultMaxBatchDelay = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan DefaultRetryBudget = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultDisposeTimeout = TimeSpan.FromSeconds(10);

    /// <summary><c>projects/{project}/topics/{id}</c>.</summary>
    public required string Topic { get; init; }

    public int MaxBatchMessages { get; init; } = DefaultMaxBatchMessages;

    public int MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>How long the first message of a batch waits for others.</summary>
    public TimeSpan MaxBatchDelay { get; init; } = DefaultMaxBatchDelay;

    public int MaxConcurrentRequests { get; init; } = DefaultMaxConcurrentRequests;

    /// <summary>Messages accepted and not yet sent; PublishAsync waits while this many are queued.</summary>
    public int MaxPendingMessages { get; init; } = DefaultMaxPendingMessages;

    /// <summary>How long one batch is retried on retryable errors (the official Publish timeout).</summary>
    public TimeSpan RetryBudget { get; init; } = DefaultRetryBudget;

    /// <summary>How long DisposeAsync lets queued messages be sent.</summary>
    public TimeSpan DisposeTimeout { get; init; } = DefaultDisposeTimeout;

    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Require(MaxBatchMessages is >= 1 and <= MaxMessagesPerRequest, nameof(MaxBatchMessages), $"must be 1..{MaxMessagesPerRequest}");
        Require(MaxBatchBytes is >= 1 and <= MaxBytesPerRequest, nameof(MaxBatchBytes), $"must be 1..{MaxBytesPerRequest}");
        Require(MaxBatchDelay >= TimeSpan.Zero, nameof(MaxBatchDelay), "must not be negative");
        Require(MaxConcurrentRequests >= 1, nameof(MaxConcurrentRequests), "must be at least 1");
        Require(MaxPendingMessages >= 1, nameof(MaxPendingMessages), "must be at least 1");
        Require(RetryBudget > TimeSpan.Zero, nameof(RetryBudget), "must be positive");
        Require(DisposeTimeout >= TimeSpan.Zero, nameof(DisposeTimeout), "must not be negative");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Publisher setting {name} {rule}.", name);
        }
    }
}
