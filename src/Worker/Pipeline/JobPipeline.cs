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
using PullWorker.Storage;
using PullWorker.Storage.Client;
using PullWorker.Storage.Inputs;
using PullWorker.Storage.Options;
using PullWorker.Storage.Results;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Observability;
using PullWorker.Worker.Options;

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
    GcsClient storage,
    Readiness readiness,
    WorkerMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<JobPipeline>();

    // Cancels intake: decode workers stop taking messages and jobs still queued for the device are withdrawn.
    private readonly CancellationTokenSource _intakeCts = new();

    // Cancels everything still running, when the grace period is over.
    private readonly CancellationTokenSource _hardStopCts = new();

    private InferenceEngine? _engine;
    private PubSubSubscriber? _subscriber;
    private ResultWriter? _resultWriter;
    private InputFetcher? _inputFetcher;
    private Task _running = Task.CompletedTask;
    private int _disposed;

    /// <summary>The engine once started; the demo and tests read its inputs and transfer counts.</summary>
    public InferenceEngine? Engine => _engine;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var worker = workerOptions.Value;
        var batching = batchingOptions.Value;
        var pipeline = await new ModelResolver(storage).ResolveAsync(pipelineOptions.Value, cancellationToken);
        _engine = await InferenceEngine.StartAsync(pipeline, batching, loggerFactory, time, cancellationToken: cancellationToken);
        readiness.ModelLoaded = true;

        _resultWriter = new ResultWriter(storage, GcsUri.Parse(worker.Results), storageOptions, loggerFactory.CreateLogger<ResultWriter>());
        _inputFetcher = new InputFetcher(storage, worker.InputBuckets, storageOptions);
        await WarmUpStorageAsync(_resultWriter.Results, cancellationToken);
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

        var decoder = new JobDecoder(_engine.Inputs, _inputFetcher, new ImageDecoder(imageOptions.Value));
        _running = RunAsync(worker, new JobParser(parserOptions.Value), decoder, _subscriber, _engine, _resultWriter);
        LogStarted(worker.Subscription, _engine.Device.ToString(), worker.Results);
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

        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }

        _resultWriter?.Dispose();
        _inputFetcher?.Dispose();
        _intakeCts.Dispose();
        _hardStopCts.Dispose();
    }

    private async Task RunAsync(
        WorkerOptions worker, JobParser parser, JobDecoder decoder, PubSubSubscriber subscriber, InferenceEngine engine, ResultWriter writer)
    {
        // Holds every job between decode and its result; flow control already bounds how many there can be.
        var pending = Channel.CreateBounded<PendingJob>(new BoundedChannelOptions(flowControlOptions.Value.EffectiveMaxOutstandingMessages(batchingOptions.Value.MaxBatchSize))
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        var decodeStage = new DecodeStage(parser, decoder, engine, metrics, loggerFactory.CreateLogger<DecodeStage>());
        var resultStage = new ResultStage(
            writer, new ResultDocuments(ResultDocuments.Describe(engine), time), subscriber.MaxDeliveryAttempts,
            metrics, time, loggerFactory.CreateLogger<ResultStage>());

        var decoders = Enumerable.Range(0, worker.DecodeWorkers)
            .Select(_ => Task.Run(() => decodeStage.RunAsync(subscriber.Messages, pending.Writer, _intakeCts.Token)))
            .ToArray();
        var writers = Enumerable.Range(0, worker.ResultWriters)
            .Select(_ => Task.Run(() => resultStage.RunAsync(pending.Reader, _hardStopCts.Token)))
            .ToArray();

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
    }

    /// <summary>
    /// One request to the results bucket opens the connection and fetches a token before the first job needs them.
    /// Any HTTP answer will do: a least-privilege identity may not read what it can create.
    /// </summary>
    private async Task WarmUpStorageAsync(GcsUri results, CancellationToken cancellationToken)
    {
        try
        {
            await storage.GetMetadataAsync(new GcsUri(results.Bucket, results.ObjectName + ".warm-up"), cancellationToken);
        }
        catch (GcsException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulling {Subscription} on {Device}; results go to {Results}")]
    private partial void LogStarted(string subscription, string device, string results);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining within {Grace}: no new messages, unstarted ones nacked")]
    private partial void LogDraining(TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained (complete: {Complete})")]
    private partial void LogDrained(bool complete);
}
