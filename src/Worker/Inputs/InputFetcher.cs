using System.Globalization;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Options;
using PullWorker.Jobs;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Inputs;

/// <summary>
/// Fetches a job's <c>gs://</c> inputs: only from the configured buckets, only up to
/// <see cref="StorageOptions.MaxInputBytes"/>. Callers hold a <see cref="ReserveAsync">slot</see> while they
/// fetch and use an input, so at most <see cref="StorageOptions.FetchConcurrency"/> fetched inputs are in memory.
/// A job's own mistakes (a forbidden bucket, a missing or oversized object) come back as a <see cref="JobError"/>;
/// anything else, such as Cloud Storage being unavailable after retries, throws so the message is redelivered.
/// </summary>
public sealed class InputFetcher : IDisposable
{
    public const string InputBucketsKey = "Worker:InputBuckets";

    private readonly StorageClient _client;
    private readonly TransientRetry _retry;
    private readonly GetObjectOptions _getOptions;
    private readonly HashSet<string> _allowedBuckets;
    private readonly string _allowedList;
    private readonly long _maxBytes;
    private readonly SemaphoreSlim _inFlight;

    /// <param name="allowedBuckets"><c>Worker:InputBuckets</c>: bucket names inputs may be read from.</param>
    /// <exception cref="ArgumentException">A bucket name is invalid; the message names the key.</exception>
    public InputFetcher(StorageClient client, IEnumerable<string> allowedBuckets, IOptions<StorageOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(allowedBuckets);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _retry = new TransientRetry(options.Value, time);
        _getOptions = new GetObjectOptions { RetryOptions = options.Value.IdempotentRetries() };
        _allowedBuckets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bucket in allowedBuckets)
        {
            if (GcsUri.BucketNameProblem(bucket ?? string.Empty) is { } problem)
            {
                throw new ArgumentException($"{InputBucketsKey}: {problem}", nameof(allowedBuckets));
            }

            _allowedBuckets.Add(bucket!);
        }

        _allowedList = _allowedBuckets.Count == 0 ? "none are configured" : "allowed: " + string.Join(", ", _allowedBuckets.Order(StringComparer.Ordinal));
        _maxBytes = options.Value.MaxInputBytes;
        _inFlight = new SemaphoreSlim(options.Value.FetchConcurrency);
    }

    /// <param name="inputName">The job's input name, for the error message.</param>
    /// <param name="uri">The input's <c>uri</c> as the job gave it.</param>
    /// <exception cref="Google.GoogleApiException">Not the job's fault (unavailable, denied to the worker): do not ack.</exception>
    public async Task<InputFetchResult> FetchAsync(string inputName, string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputName);
        if (uri is null || !uri.StartsWith(GcsUri.Scheme, StringComparison.Ordinal))
        {
            return InputFetchResult.Failed(
                JobErrorCode.InputForbidden, $"input '{inputName}': '{uri}' is not a gs:// URI; only gs:// inputs can be fetched");
        }

        if (!GcsUri.TryParse(uri, out var source, out var error) || source.ObjectName.Length == 0)
        {
            return InputFetchResult.Failed(
                JobErrorCode.InputNotFound, $"input '{inputName}': {error ?? $"'{uri}' names no object"}");
        }

        if (!_allowedBuckets.Contains(source.Bucket))
        {
            return InputFetchResult.Failed(
                JobErrorCode.InputForbidden,
                $"input '{inputName}': bucket '{source.Bucket}' is not in {InputBucketsKey} ({_allowedList})");
        }

        return await FetchAllowedAsync(inputName, source, cancellationToken);
    }

    /// <summary>
    /// Waits for one of the <see cref="StorageOptions.FetchConcurrency"/> slots; dispose it once the fetched bytes
    /// are no longer needed (after the image is decoded, not merely downloaded).
    /// </summary>
    public async Task<IDisposable> ReserveAsync(CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        return new Slot(_inFlight);
    }

    public void Dispose() => _inFlight.Dispose();

    private async Task<InputFetchResult> FetchAllowedAsync(string inputName, GcsUri source, CancellationToken cancellationToken)
    {
        try
        {
            // Metadata first: an oversized object is refused without transferring it, and pinning the generation
            // means the bytes read are those of the object whose size was checked.
            var metadata = await _client.GetObjectAsync(source.Bucket, source.ObjectName, _getOptions, cancellationToken);
            var size = (long)(metadata.Size ?? 0);
            if (size > _maxBytes)
            {
                return InputFetchResult.Failed(
                    JobErrorCode.TooLarge,
                    string.Create(CultureInfo.InvariantCulture, $"input '{inputName}': {source} is {size} bytes; the limit is {_maxBytes} (Storage:MaxInputBytes)"));
            }

            var download = new DownloadObjectOptions { Generation = metadata.Generation };
            var data = await _retry.RunAsync(
                async token =>
                {
                    // A retry starts over in a fresh buffer; the size is that of the pinned generation, within the limit.
                    using var buffer = new MemoryStream((int)size);
                    await _client.DownloadObjectAsync(source.Bucket, source.ObjectName, buffer, download, token);
                    return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                },
                cancellationToken);
            return InputFetchResult.Fetched(data);
        }
        catch (Exception e) when (StorageErrors.IsNotFound(e))
        {
            return InputFetchResult.Failed(JobErrorCode.InputNotFound, $"input '{inputName}': {source} does not exist");
        }
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
