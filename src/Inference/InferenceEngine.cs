using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Batching;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Devices;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Execution;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference;

/// <summary>
/// The inference pipeline as the worker uses it: load (<see cref="Create"/>), warm up (<see cref="WarmUpAsync"/>,
/// after which <see cref="IsReady"/>), then submit items concurrently with <see cref="InferAsync"/>; they are
/// batched, run on the device with no host round trips between stages, and answered one by one.
/// </summary>
public sealed partial class InferenceEngine : IAsyncDisposable
{
    private readonly PipelinePlan _plan;
    private readonly DeviceMemory _memory;
    private readonly PipelineExecutor _executor;
    private readonly DynamicBatcher _batcher;
    private readonly InferenceMetrics _metrics;
    private readonly bool _ownsMetrics;

    private InferenceEngine(
        PipelinePlan plan, DeviceMemory memory, PipelineExecutor executor, DynamicBatcher batcher,
        ExecutionDevice device, InferenceMetrics metrics, bool ownsMetrics)
    {
        _plan = plan;
        _memory = memory;
        _executor = executor;
        _batcher = batcher;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;
        Device = device;
    }

    /// <summary>The device the pipeline runs on.</summary>
    public ExecutionDevice Device { get; }

    /// <summary>The inputs every item must supply, with dtype and per-item shape, for validating jobs early.</summary>
    public IReadOnlyList<TensorSpec> Inputs => _plan.Inputs;

    /// <summary>The names of the outputs each result carries (plus <c>labels</c> when a labels file is set).</summary>
    public IReadOnlyList<string> Outputs => _plan.Outputs;

    /// <summary>Every stage's model in execution order, built-in stages included (name, SHA-256, size).</summary>
    public IReadOnlyList<ModelFile> Models => [.. _plan.Stages.Select(s => s.Model)];

    /// <summary>The shape buckets batches are padded to.</summary>
    public IReadOnlyList<int> BatchSizes => _executor.BucketSizes;

    /// <summary>True once every bucket has been warmed up: the worker may report ready.</summary>
    public bool IsReady => _batcher.IsWarmedUp;

    /// <summary>
    /// Host/device copies the last executed batch made, measured from what was bound and copied (also exported as
    /// the <c>inference.transfers</c> metric). See <see cref="TransferCounts"/> for what a healthy pipeline shows.
    /// </summary>
    public TransferCounts LastBatchTransfers => _executor.LastTransfers;

    /// <summary>
    /// Faults, with an <see cref="InferenceUnavailableException"/> saying what broke, when the engine can no longer
    /// run batches (warm-up failed, the device failed a known-good batch, or the device loop died); every queued
    /// and later item then fails at once. Never completes otherwise. A worker should exit non-zero when it faults.
    /// </summary>
    public Task Broken => _batcher.Broken;

    internal DynamicBatcher Batcher => _batcher;

    internal PipelineExecutor Executor => _executor;

    /// <summary>
    /// Validates the options, selects the device and loads every stage. Throws <see cref="DeviceUnavailableException"/>
    /// when <c>cuda</c> is requested without the provider, and <see cref="PipelineSetupException"/> naming the
    /// configuration key for any other problem.
    /// </summary>
    public static InferenceEngine Create(
        PipelineOptions pipeline, BatchingOptions batching, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, InferenceMetrics? metrics = null) =>
        Create(pipeline, batching, loggerFactory, timeProvider, metrics, OrtEnv.Instance().GetAvailableProviders(), hostRoundTrips: false);

    /// <summary><see cref="Create"/> followed by <see cref="WarmUpAsync"/>.</summary>
    public static async Task<InferenceEngine> StartAsync(
        PipelineOptions pipeline, BatchingOptions batching, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, InferenceMetrics? metrics = null, CancellationToken cancellationToken = default)
    {
        var engine = Create(pipeline, batching, loggerFactory, timeProvider, metrics);
        try
        {
            await engine.WarmUpAsync(cancellationToken);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs every bucket once on the device thread; completes when the engine is ready.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => _batcher.StartAsync(cancellationToken);

    /// <summary>
    /// Checks an item against <see cref="Inputs"/>: null when it fits, otherwise the job-level error
    /// (<c>unknown_input</c>, <c>missing_input</c> or <c>invalid_tensor</c>).
    /// </summary>
    public InferenceError? Validate(InferenceItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (InputNames.Check(_plan.Inputs, item.Inputs) is { } namesError)
        {
            return namesError;
        }

        foreach (var spec in _plan.Inputs)
        {
            if (spec.Validate(item.Inputs[spec.Name]) is { } message)
            {
                return new InferenceError(InferenceErrorCodes.InvalidTensor, message);
            }
        }

        return null;
    }

    /// <summary>
    /// Submits one item and waits for its outputs or its job-level error. Waits while the queue is full
    /// (backpressure). Throws <see cref="OperationCanceledException"/> when canceled and
    /// <see cref="InferenceUnavailableException"/> when the failure is not the item's fault (device, shutdown).
    /// </summary>
    public ValueTask<InferenceResult> InferAsync(InferenceItem item, CancellationToken cancellationToken)
    {
        if (!IsReady)
        {
            throw new InvalidOperationException("the engine is not warmed up yet; await WarmUpAsync first");
        }

        return Validate(item) is { } error
            ? ValueTask.FromResult(InferenceResult.Failure(error.Code, error.Message))
            : _batcher.SubmitAsync(item, cancellationToken);
    }

    /// <summary>
    /// Stops accepting items, finishes the queued ones (for at most 30 s, then terminates the run in progress and
    /// fails the rest with <see cref="InferenceUnavailableException"/>), and releases the sessions: every part is
    /// released even when another fails to.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync();
        if (_batcher.DeviceStuck)
        {
            return;
        }

        List<Exception>? failures = null;
        foreach (var release in new Action[] { _executor.Dispose, _memory.Dispose, _plan.Dispose, ReleaseMetrics })
        {
            try
            {
                release();
            }
            catch (Exception ex)
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("releasing the inference engine failed", failures);
        }
    }

    private void ReleaseMetrics()
    {
        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    internal static InferenceEngine Create(
        PipelineOptions pipeline, BatchingOptions batching, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        InferenceMetrics? metrics, IReadOnlyCollection<string> availableProviders, bool hostRoundTrips)
    {
        ThrowIfInvalid(new PipelineOptionsValidator().Validate(null, pipeline));
        ThrowIfInvalid(new BatchingOptionsValidator().Validate(null, batching));
        var bucketSizes = pipeline.EffectiveBatchSizes(batching.MaxBatchSize);
        if (bucketSizes[^1] < batching.MaxBatchSize)
        {
            throw new PipelineSetupException(
                $"Pipeline:BatchSizes: the largest bucket ({bucketSizes[^1]}) must be at least Batching:MaxBatchSize ({batching.MaxBatchSize})");
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<InferenceEngine>();
        var ownsMetrics = metrics is null;
        metrics ??= new InferenceMetrics();
        var device = DeviceSelector.Select(pipeline.Device, pipeline.DeviceId, availableProviders, logger);
        PipelinePlan plan;
        try
        {
            plan = PipelinePlan.Load(pipeline, device, countInsertedCopies: device.IsCuda, metrics, CancellationToken.None);
        }
        catch (Exception ex) when (device.IsCuda && CudaFailure(ex) is { } reason)
        {
            if (pipeline.Device != DeviceKind.Auto)
            {
                throw new DeviceUnavailableException(
                    "Pipeline:Device=cuda but the CUDA provider cannot be used on this machine (" + reason + "); it needs " +
                    "an NVIDIA GPU, driver R580 or newer, CUDA 13 and cuDNN 9, or set Pipeline:Device=auto or cpu", ex);
            }

            // The build has the provider but this machine cannot use it (no GPU or driver): auto means CPU then.
            LogCudaFallback(logger, reason);
            device = ExecutionDevice.Cpu;
            plan = PipelinePlan.Load(pipeline, device, countInsertedCopies: false, metrics, CancellationToken.None);
        }

        DeviceMemory? memory = null;
        PipelineExecutor? executor = null;
        try
        {
            memory = DeviceMemory.Create(device, plan.Stages[0].Session);
            executor = new PipelineExecutor(plan, memory, bucketSizes, metrics, hostRoundTrips);
            var batcher = new DynamicBatcher(
                executor, batching, timeProvider ?? TimeProvider.System, loggerFactory.CreateLogger<DynamicBatcher>(), metrics);
            LogLoaded(logger, plan.Stages.Count, device.ToString(), string.Join(",", bucketSizes));
            foreach (var model in plan.Stages.Select(stage => stage.Model).Where(model => model.InsertedCopies > 0))
            {
                LogInsertedCopies(logger, model.Name, model.InsertedCopies, device.ToString());
            }

            return new InferenceEngine(plan, memory, executor, batcher, device, metrics, ownsMetrics);
        }
        catch
        {
            executor?.Dispose();
            memory?.Dispose();
            plan.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The first line of an ONNX Runtime error raised while setting up CUDA (the provider, or a session on it), or
    /// null for any other error, which must surface as it is.
    /// </summary>
    private static string? CudaFailure(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if ((ex is OnnxRuntimeException && ex.Message.Contains("CUDA", StringComparison.OrdinalIgnoreCase))
                || ex.Message.Contains("libonnxruntime_providers_cuda", StringComparison.Ordinal)
                || ex.Message.Contains("libcu", StringComparison.Ordinal))
            {
                return ex.Message.Split('\n', 2)[0].Trim();
            }
        }

        return null;
    }

    private static void ThrowIfInvalid(Microsoft.Extensions.Options.ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            throw new PipelineSetupException(result.FailureMessage);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA provider present but unusable ({Reason}); Pipeline:Device=auto falls back to cpu")]
    private static partial void LogCudaFallback(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stage {Stage}: ONNX Runtime inserted {Copies} host/device copies because some nodes cannot run on {Device}; every batch pays them (see ONNX Runtime's verbose log for which nodes)")]
    private static partial void LogInsertedCopies(ILogger logger, string stage, int copies, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline loaded: {Stages} stages on {Device}, buckets {Buckets}")]
    private static partial void LogLoaded(ILogger logger, int stages, string device, string buckets);
}
