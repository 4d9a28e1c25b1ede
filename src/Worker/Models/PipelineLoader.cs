using Google.Cloud.Storage.V1;
using PullWorker.Inference;
using PullWorker.Inference.Configuration;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Inputs;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Processing;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Models;

/// <summary>
/// Loads the configured pipeline (models resolved from <c>gs://</c>, loaded and warmed on the device, paired with
/// the decoder that checks jobs against its inputs), and, while the worker runs, replaces it when a <c>gs://</c>
/// stage model gets a new generation.
/// </summary>
internal sealed partial class PipelineLoader(
    PipelineOptions pipeline,
    BatchingOptions batching,
    ImageDecodingOptions images,
    StorageClient storage,
    StorageOptions storageOptions,
    InputFetcher fetcher,
    WorkerFailure failure,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IDisposable
{
    private const string DeviceSource = "inference device (Pipeline:Device)";

    private readonly ModelResolver _resolver = new(storage, storageOptions, time);
    private readonly ILogger _logger = loggerFactory.CreateLogger<PipelineLoader>();

    // One image decode per core at a time, shared by every version (see JobDecoder).
    private readonly SemaphoreSlim _decodeSlots = new(Environment.ProcessorCount);

    // The gs:// model versions that failed to load: not loaded again until they change.
    private IReadOnlyList<long?> _refused = [];

    /// <summary>
    /// A new version, warmed up. Its engine breaking for good (a lost device) fails the worker.
    /// </summary>
    public async Task<PipelineVersion> LoadAsync(CancellationToken cancellationToken) =>
        await StartAsync(await _resolver.ResolveAsync(pipeline, cancellationToken), cancellationToken);

    /// <summary>
    /// Polls the <c>gs://</c> stage models every <paramref name="interval"/> until <paramref name="stop"/>; a new
    /// generation is loaded and warmed beside the running version, then new jobs switch to it between batches and
    /// the old version is disposed (its downloaded files deleted) when its last job is done. A new model that fails
    /// to load leaves the old one.
    /// </summary>
    public async Task WatchAsync(CurrentPipelineVersion current, TimeSpan interval, CancellationToken stop)
    {
        if (interval <= TimeSpan.Zero || !ModelResolver.HasRemoteStages(pipeline))
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await ReloadIfChangedAsync(current, stop);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // Listing or downloading failed: the next poll tries again.
                    LogModelCheckFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => _decodeSlots.Dispose();

    private async Task<PipelineVersion> StartAsync(ResolvedPipeline resolved, CancellationToken cancellationToken)
    {
        var engine = await InferenceEngine.StartAsync(resolved.Local, batching, loggerFactory, time, cancellationToken: cancellationToken);
        failure.Watch(DeviceSource, engine.Broken);
        var decoder = new JobDecoder(engine.Inputs, fetcher, new ImageDecoder(images), _decodeSlots);
        return new PipelineVersion(engine, decoder, ResultDocuments.Describe(engine), resolved.Generations, resolved.Downloads);
    }

    private async Task ReloadIfChangedAsync(CurrentPipelineVersion current, CancellationToken stop)
    {
        var latest = await _resolver.GenerationsAsync(pipeline, stop);
        if (latest.SequenceEqual(current.Current.Generations) || latest.SequenceEqual(_refused))
        {
            return;
        }

        var resolved = await _resolver.ResolveAsync(pipeline, stop);
        PipelineVersion next;
        try
        {
            next = await StartAsync(resolved, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A bad new model must not take down a worker that runs the old one well, nor be loaded on the device
            // beside it again at every poll.
            _refused = resolved.Generations;
            DeleteUnused(resolved.Downloads.Except(current.Current.Downloads));
            LogModelRefused(e);
            return;
        }

        var old = current.Current;
        LogModelReplaced(old.Info.Sha256, next.Info.Sha256);
        await current.ReplaceAsync(next);
        DeleteUnused(old.Downloads.Except(next.Downloads));
    }

    private void DeleteUnused(IEnumerable<string> downloads)
    {
        try
        {
            ModelResolver.Delete(downloads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The new version runs; only disk space is at stake.
            LogDownloadNotDeleted(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model changed: new jobs run on {NewSha256} instead of {OldSha256}")]
    private partial void LogModelReplaced(string oldSha256, string newSha256);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed model cannot run; the running one stays, and this version is not tried again")]
    private partial void LogModelRefused(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking for a changed model failed; the next poll tries again")]
    private partial void LogModelCheckFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The replaced model's downloaded files could not be deleted")]
    private partial void LogDownloadNotDeleted(Exception exception);
}
