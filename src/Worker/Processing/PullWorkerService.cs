using Google.Api.Gax;
using Google.Cloud.PubSub.V1;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Options;
using PullWorker.Inference;
using PullWorker.Inference.Configuration;
using PullWorker.Jobs;
using PullWorker.Jobs.Parsing;
using PullWorker.Jobs.Results;
using PullWorker.Worker.Decoding;
using PullWorker.Worker.Inputs;
using PullWorker.Worker.Lifecycle;
using PullWorker.Worker.Messaging;
using PullWorker.Worker.Models;
using PullWorker.Worker.Observability;
using PullWorker.Worker.Options;
using PullWorker.Worker.ResultStorage;
using PullWorker.Worker.Storage;

namespace PullWorker.Worker.Processing;

/// <summary>
/// The daemon: Google's <c>SubscriberClient</c> hands each message to a <see cref="JobHandler"/>. Start-up (model
/// load and warm-up, bucket, subscription) happens in <see cref="StartAsync"/>, so a mistake stops the host before
/// it reports started. <see cref="StopAsync"/> drains within <c>Shutdown:Grace</c>: no new messages, unstarted ones
/// nacked, jobs already on the device finished, written and acked. If intake fails for good while running, the
/// worker fails (<see cref="WorkerFailure"/>) and the process exits non-zero.
/// </summary>
public sealed partial class PullWorkerService(
    IConfiguration configuration,
    IOptions<WorkerOptions> workerOptions,
    IOptions<FlowControlOptions> flowControlOptions,
    IOptions<SubscriberOptions> subscriberOptions,
    IOptions<ShutdownOptions> shutdownOptions,
    IOptions<PipelineOptions> pipelineOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<StorageOptions> storageOptions,
    IOptions<JobParserOptions> parserOptions,
    IOptions<ImageDecodingOptions> imageOptions,
    StorageClient storage,
    Readiness readiness,
    WorkerFailure failure,
    WorkerMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService, IAsyncDisposable
{
    private const string IntakeSource = "Pub/Sub intake (Worker:Subscription)";

    private readonly ILogger _logger = loggerFactory.CreateLogger<PullWorkerService>();

    // Cancels device work and result writes still running when the drain's grace is over.
    private readonly CancellationTokenSource _hardStopCts = new(Timeout.InfiniteTimeSpan, time);

    private CurrentPipelineVersion? _pipeline;
    private SubscriberClient? _subscriber;
    private JobHandler? _handler;
    private Task _intake = Task.CompletedTask;
    private IResultWriter? _resultWriter;
    private InputFetcher? _inputFetcher;
    private PipelineLoader? _loader;
    private int _disposed;

    // Set when a drain begins: the subscriber's run ending after that is the drain, not a failure.
    private volatile bool _draining;

    /// <summary>The engine new jobs start on; the demo and tests read its inputs and transfer counts.</summary>
    public InferenceEngine? Engine => _pipeline?.Current.Engine;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var worker = workerOptions.Value;
        var emulatorHost = configuration[PubSubClients.EmulatorHostVariable];
        var maxDeliveryAttempts = await SubscriptionCheck.MaxDeliveryAttemptsAsync(worker.Subscription, emulatorHost, cancellationToken);

        _inputFetcher = new InputFetcher(storage, worker.InputBuckets, storageOptions, time);
        _loader = new PipelineLoader(
            pipelineOptions.Value, batchingOptions.Value, imageOptions.Value, storage, storageOptions.Value, _inputFetcher, failure, loggerFactory, time);
        _pipeline = new CurrentPipelineVersion(await _loader.LoadAsync(cancellationToken));
        readiness.ModelLoaded = true;

        _resultWriter = CreateResultWriter(worker);
        // Also opens the connection and fetches a token before the first job needs them.
        await new StorageAccessCheck(storage, storageOptions.Value).VerifyAsync("Worker:Results", _resultWriter.Prefix.Bucket, "Worker:InputBuckets", worker.InputBuckets, cancellationToken);
        readiness.BucketsChecked = true;

        _handler = new JobHandler(
            new JobParser(parserOptions.Value), _pipeline, _resultWriter, new ResultDocuments(time), maxDeliveryAttempts,
            metrics, time, _hardStopCts.Token, loggerFactory.CreateLogger<JobHandler>());
        _subscriber = await BuildSubscriberAsync(worker.Subscription, emulatorHost, cancellationToken);
        await base.StartAsync(cancellationToken);
        LogStarted(worker.Subscription, _pipeline.Current.Engine.Device.ToString(), worker.ResultsPrefix);
    }

    private IResultWriter CreateResultWriter(WorkerOptions worker)
    {
        var results = GcsUri.Parse(worker.ResultsPrefix);
        return worker.ResultLayout == ResultLayout.Batch
            ? new BatchResultWriter(
                storage, results, storageOptions, batchingOptions.Value.MaxBatchSize, BatchResultWriter.DefaultLinger, time,
                loggerFactory.CreateLogger<BatchResultWriter>())
            : new ObjectResultWriter(storage, results, storageOptions, time, loggerFactory.CreateLogger<ObjectResultWriter>());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var intake = _intake = _subscriber!.StartAsync(_handler!.HandleAsync);
        readiness.SubscriberStarted = true;
        failure.Watch(IntakeSource, intake);
        var watch = _loader!.WatchAsync(_pipeline!, workerOptions.Value.ModelPollInterval, stoppingToken);
        await intake.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        readiness.SubscriberStarted = false;
        if (intake.IsCompletedSuccessfully && !_draining && !stoppingToken.IsCancellationRequested)
        {
            failure.Fail(IntakeSource, "the subscriber stopped on its own");
        }

        await watch;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscriber is null || _handler is null)
        {
            await base.StopAsync(cancellationToken);
            return;
        }

        _draining = true;

        // A worker that failed has nothing left worth waiting for: its acks would not be accepted anyway.
        var grace = failure.Reason is null ? shutdownOptions.Value.Grace : TimeSpan.FromSeconds(1);
        LogDraining(grace);
        var started = time.GetTimestamp();
        readiness.SubscriberStarted = false;
        _hardStopCts.CancelAfter(grace);
        using var hostGaveUp = cancellationToken.Register(_hardStopCts.Cancel);
        var complete = true;
        try
        {
            await _subscriber.StopAsync(
                new SubscriberClient.ShutdownOptions { Mode = SubscriberClient.ShutdownMode.NackImmediately, Timeout = grace }, _hardStopCts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException || failure.Reason is not null)
        {
            // Out of grace (the rest comes back when its leases lapse), or the intake had already failed.
            complete = false;
        }

        await base.StopAsync(CancellationToken.None);
        LogDrained(time.GetElapsedTime(started), _handler.DrainNacks, complete);
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
            try
            {
                await _subscriber.DisposeAsync();
            }
            catch (Exception) when (_intake.IsFaulted)
            {
                // The subscriber rethrows the fault it ended with, which the worker already reported as its failure.
            }
        }

        if (_pipeline is not null)
        {
            await _pipeline.RetireAsync();
        }

        _resultWriter?.Dispose();
        _inputFetcher?.Dispose();
        _hardStopCts.Dispose();
        _loader?.Dispose();
        Dispose();
    }

    /// <summary>
    /// Flow control bounds the handlers running at once for the whole client, and what each stream fetches, so
    /// with <c>Subscriber:ClientCount</c> streams up to that many times the message limit may be leased; the byte
    /// limit, a memory bound, is split between the streams so it holds for the whole worker.
    /// </summary>
    private Task<SubscriberClient> BuildSubscriberAsync(string subscription, string? emulatorHost, CancellationToken cancellationToken)
    {
        var flow = flowControlOptions.Value;
        var leases = subscriberOptions.Value;
        var builder = PubSubClients.Subscriber(subscription, emulatorHost);
        builder.ClientCount = leases.ClientCount;
        builder.Settings = new SubscriberClient.Settings
        {
            FlowControlSettings = new FlowControlSettings(
                flow.EffectiveMaxOutstandingMessages(batchingOptions.Value.MaxBatchSize), flow.MaxOutstandingBytes / leases.ClientCount),
            AckDeadline = leases.AckDeadline,
            AckExtensionWindow = leases.AckExtensionWindow,
            MaxTotalAckExtension = leases.MaxTotalAckExtension,
        };
        builder.Logger = loggerFactory.CreateLogger<SubscriberClient>();
        return builder.BuildAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulling {Subscription} on {Device}; results go to {Results}")]
    private partial void LogStarted(string subscription, string device, string results);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining within {Grace}: no new messages, unstarted ones nacked")]
    private partial void LogDraining(TimeSpan grace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {Elapsed}; {Nacked} messages nacked by the handler (complete: {Complete})")]
    private partial void LogDrained(TimeSpan elapsed, long nacked, bool complete);
}
