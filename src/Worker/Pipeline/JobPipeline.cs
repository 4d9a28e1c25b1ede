using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PullWorker.Inference;
using PullWorker.Inference.Configuration;
using PullWorker.Jobs.Parsing;
using PullWorker.PubSub.Connection;
using PullWorker.PubSub.Subscribing;
using Google.Cloud.Storage.V1;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Inputs;
using PullWorker.Worker.Observability;
using PullWorker.Worker.Options;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Pipeline;

/// <summary>
/// The daemon's one job: Pub/Sub -> decode (N CPU workers) -> engine (one batch on the device at a time) ->
/// result writers -> ack. Start-up happens in <see cref="StartAsync"/>, so a missing subscription or an unreadable
/// model stops the host before it reports started. <see cref="StopAsync"/> drains: stop pulling, nack what has not
/// reached the device, finish what has, write and ack it, all within <c>Shutdown:Grace</c>.
/// </summary>
public sealed partial class JobPipeline(
    IConfiguration configuration,
    IOptions<WorkerOptions> workerOptions,
    IOptions<FlowControlOptions> flowControlOptions,
    IOptions<ShutdownOptions> shutdownOptions,
    IOptions<PipelineOptions> pipelineOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<StorageOptions> storageOptions,
    IOptions<JobParserOptions> parserOptions,
    IOptions<ImageDecodingOptions> imageOptions,
    StorageClient storage,
    Readiness readiness,
    WorkerMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<JobPipeline>();
    private readonly ModelResolver _resolver = new(storage, storageOptions.Value, time);

    // Cancels intake: decode workers stop taking messages, jobs still queued for the device are withdrawn, and
    // the model watch stops.
    private readonly CancellationTokenSource _intakeCts = new();

    // Cancels everything still running, when the grace period is over.
    private readonly CancellationTokenSource _hardStopCts = new();

    private ModelSlot? _models;
    private PubSubSubscriber? _subscriber;
    private ResultWriter? _resultWriter;
    private InputFetcher? _inputFetcher;
    private Task _running = Task.CompletedTask;
    private int _disposed;

    /// <summary>The engine new jobs start on; the demo and tests read its inputs and transfer counts.</summary>
    public InferenceEngine? Engine => _models?.Current.Engine;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var worker = workerOptions.Value;
        var batching = batchingOptions.Value;
        _inputFetcher = new InputFetcher(storage, worker.InputBuckets, storageOptions, time);
        _models = new ModelSlot(await LoadModelAsync(cancellationToken));
        readiness.ModelLoaded = true;

        _resultWriter = new ResultWriter(storage, GcsUri.Parse(worker.Results), storageOptions, time, loggerFactory.CreateLogger<ResultWriter>());
        // Also opens the connection and fetches a token before the first job needs them.
        await new StorageAccessCheck(storage, storageOptions.Value).VerifyAsync("Worker:Results", _resultWriter.Results.Bucket, "Worker:InputBuckets", worker.InputBuckets, cancellationToken);
        readiness.BucketsWarmed = true;

        var flow = flowControlOptions.Value;
        _subscriber = await PubSubSubscriber.StartAsync(
            new SubscriberSettings
            {
                Subscription = worker.Subscription,
                StreamCount = flow.Streams,
                MaxOutstandingMessages = flow.EffectiveMaxOutstandingMessages(batching.MaxBatchSize),
                MaxOutstandingBytes = flow.MaxOutstandingBytes,
            },
            new PubSubConnectionOptions { EmulatorHost = configuration[PubSubConnectionOptions.EmulatorHostVariable] },
            loggerFactory,
            time,
            cancellationToken);
        readiness.SubscriberStreaming = true;

        _running = RunAsync(worker, _subscriber, _models, _resultWriter);
        LogStarted(worker.Subscription, _models.Current.Engine.Device.ToString(), worker.Results);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscriber is null)
        {
            return;
        }

        var grace = shutdownOptions.Value.Grace;
        LogDraining(grace);
        readiness.SubscriberStreaming = false;
        _hardStopCts.CancelAfter(grace);
        using var hostGaveUp = cancellationToken.Register(() => _hardStopCts.Cancel());

        // The subscriber stops pulling and nacks what it has not handed out; it then waits for the messages
        // handed out to be acked or nacked, which the stages do as they finish.
        await _intakeCts.CancelAsync();
        var subscriberStopped = _subscriber.StopAsync(grace, _hardStopCts.Token);
        await _running.WaitAsync(_hardStopCts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        await subscriberStopped;
        LogDrained(_running.IsCompletedSuccessfully);
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this once as itself and once as the hosted service it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_subscriber is not null)
        {
            await _subscriber.DisposeAsync();
        }

        if (_models is not null)
        {
            await _models.RetireAsync();
        }

        _resultWriter?.Dispose();
        _inputFetcher?.Dispose();
        _intakeCts.Dispose();
        _hardStopCts.Dispose();
    }

    private async Task RunAsync(WorkerOptions worker, PubSubSubscriber subscriber, ModelSlot models, ResultWriter writer)
    {
        // Holds every job between decode and its result; flow control already bounds how many there can be.
        var capacity = flowControlOptions.Value.EffectiveMaxOutstandingMessages(batchingOptions.Value.MaxBatchSize);
        var pending = Channel.CreateBounded<PendingJob>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        var decodeStage = new DecodeStage(new JobParser(parserOptions.Value), models, metrics, loggerFactory.CreateLogger<DecodeStage>());
        var resultStage = new ResultStage(
            writer, new ResultDocuments(time), subscriber.MaxDeliveryAttempts, metrics, time, loggerFactory.CreateLogger<ResultStage>());

        var decoders = Enumerable.Range(0, worker.DecodeWorkers)
            .Select(_ => Task.Run(() => decodeStage.RunAsync(subscriber.Messages, pending.Writer, _intakeCts.Token)))
            .ToArray();
        var writers = Enumerable.Range(0, worker.ResultWriters)
            .Select(_ => Task.Run(() => resultStage.RunAsync(pending.Reader, _hardStopCts.Token)))
            .ToArray();
        var watch = WatchModelAsync(models, worker.ModelPollInterval, _intakeCts.Token);

        try
        {
            await Task.WhenAll(decoders);
        }
        finally
        {
            pending.Writer.TryComplete();
        }

        // Messages handed out but never read by a decoder go back at once.
        while (subscriber.Messages.TryRead(out var leftover))
        {
            leftover.Nack();
        }

        await Task.WhenAll(writers);
        await watch;
    }

    /// <summary>Resolves the configured stages, loads and warms them, and pairs the engine with its decoder.</summary>
    private async Task<ActiveModel> LoadModelAsync(CancellationToken cancellationToken)
    {
        var (pipeline, generations) = await _resolver.ResolveAsync(pipelineOptions.Value, cancellationToken);
        var engine = await InferenceEngine.StartAsync(pipeline, batchingOptions.Value, loggerFactory, time, cancellationToken: cancellationToken);
        var decoder = new JobDecoder(engine.Inputs, _inputFetcher!, new ImageDecoder(imageOptions.Value));
        return new ActiveModel(engine, decoder, ResultDocuments.Describe(engine), generations);
    }

    /// <summary>
    /// Polls the <c>gs://</c> stage models; a new generation is loaded and warmed beside the running version, then
    /// new jobs switch to it between batches and the old version is disposed when its last job is done.
    /// </summary>
    private async Task WatchModelAsync(ModelSlot models, TimeSpan interval, CancellationToken stop)
    {
        if (interval <= TimeSpan.Zero || !ModelResolver.HasRemoteStages(pipelineOptions.Value))
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
                    var latest = await _resolver.GenerationsAsync(pipelineOptions.Value, stop);
                    if (latest.SequenceEqual(models.Current.Generations))
                    {
                        continue;
                    }

                    var next = await LoadModelAsync(stop);
                    LogModelReplaced(models.Current.Model.Sha256, next.Model.Sha256);
                    await models.ReplaceAsync(next);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A bad new model must not take down a worker that runs the old one well.
                    LogModelReloadFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulling {Subscription} on {Device}; results go to {Results}")]
    private partial void LogStarted(string subscription, string device, string results);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining within {Grace}: no new messages, unstarted ones nacked")]
    private partial void LogDraining(TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained (complete: {Complete})")]
    private partial void LogDrained(bool complete);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model changed: new jobs run on {NewSha256} instead of {OldSha256}")]
    private partial void LogModelReplaced(string oldSha256, string newSha256);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the changed model failed; the running one stays")]
    private partial void LogModelReloadFailed(Exception exception);
}
