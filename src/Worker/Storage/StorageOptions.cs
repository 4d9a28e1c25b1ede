using Google.Cloud.Storage.V1;

namespace PullWorker.Worker.Storage;

/// <summary>Cloud Storage client settings, bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The client's HTTP handler allows at most 20 tries of one request.</summary>
    public const int MaxRetryAttempts = 19;

    /// <summary>The largest <c>gs://</c> input a job may reference; larger ones fail the job with <c>too_large</c>.</summary>
    public long MaxInputBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Result writes in flight at once.</summary>
    public int WriteConcurrency { get; set; } = 64;

    /// <summary>Input downloads in flight at once.</summary>
    public int FetchConcurrency { get; set; } = 16;

    /// <summary>How long one attempt of a result write or an input download may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt of an idempotent request (408, 429, 5xx, timeouts, resets).</summary>
    public int RetryAttempts { get; set; } = 6;

    /// <summary>The first retry delay; it doubles per retry, with jitter (Google's guidance: start at 1 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>The client's retries for idempotent JSON calls (metadata, listing), with this section's backoff.</summary>
    public RetryOptions IdempotentRetries() =>
        new(new RetryTiming(RetryBaseDelay, RetryMaxDelay, 2.0), RetryPredicate.RetriableIdempotentErrors);
}
