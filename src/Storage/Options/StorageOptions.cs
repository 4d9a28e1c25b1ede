namespace PullWorker.Storage.Options;

/// <summary>Cloud Storage client settings, bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Resumable uploads send chunks in multiples of this unit (a Cloud Storage rule).</summary>
    public const int ChunkUnit = 256 * 1024;

    /// <summary>
    /// <c>http://host:port</c> of a Cloud Storage emulator; requests then go there without credentials. Defaults to
    /// the <c>STORAGE_EMULATOR_HOST</c> variable; unset means <c>https://storage.googleapis.com</c> with ADC.
    /// </summary>
    public string? EmulatorHost { get; set; }

    /// <summary>Uploads of at least this many bytes are resumable (chunked); smaller ones are one multipart request.</summary>
    public long ResumableThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes per resumable chunk: a multiple of 256 KiB.</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>The largest <c>gs://</c> input a job may reference; larger ones fail the job with <c>too_large</c>.</summary>
    public long MaxInputBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Result writes in flight at once.</summary>
    public int WriteConcurrency { get; set; } = 64;

    /// <summary>Input downloads in flight at once.</summary>
    public int FetchConcurrency { get; set; } = 16;

    /// <summary>How long one attempt of one request may take (for downloads: until the headers arrive).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt of an idempotent request (and of each resumable chunk).</summary>
    public int RetryAttempts { get; set; } = 6;

    /// <summary>The first retry delay; it doubles per retry, with jitter (Google's guidance: start at 1 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(32);
}
