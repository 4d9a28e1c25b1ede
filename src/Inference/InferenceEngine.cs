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

    /// <summary>Host/device copies of the last executed batch (1 up, 1 down, 0 between stages by design).</summary>
    public TransferCounts LastBatchTransfers => _executor.LastTransfers;

    internal DynamicBatcher Batcher => _batcher;

    /// <summary>
    /// Validates the options, selects the device and loads every stage. Throws <see cref="DeviceUnavailableException"/>
    /// when <c>cuda</c> is requested without the provider, and <see cref="InvalidOperationException"/> naming the
    /// configuration key for any other problem.
    /// </summary>
    public static InferenceEngine Create(
        PipelineOptions pipeline, BatchingOptions batching, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, InferenceMetrics? metrics = null) =>
        Create(pipeline, batching, loggerFactory, timeProvider, metrics, OrtEnv.Instance().GetAvailableProviders(), forceSessionTransfers: false);

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
        if (ValidateNames(item.Inputs) is { } namesError)
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

    private InferenceError? ValidateNames(IReadOnlyDictionary<string, TensorData> inputs)
    {
        var allPresent = inputs.Count == _plan.Inputs.Count;
        for (var i = 0; allPresent && i < _plan.Inputs.Count; i++)
        {
            allPresent = inputs.ContainsKey(_plan.Inputs[i].Name);
        }

        if (allPresent)
        {
            return null;
        }

        foreach (var name in inputs.Keys)
        {
            if (!_plan.Inputs.Any(spec => spec.Name == name))
            {
                return new InferenceError(
                    InferenceErrorCodes.UnknownInput,
                    $"input '{name}' is not an input of this pipeline (inputs: {string.Join(", ", _plan.Inputs.Select(i => i.Name))})");
            }
        }

        foreach (var spec in _plan.Inputs)
        {
            if (!inputs.ContainsKey(spec.Name))
            {
                return new InferenceError(InferenceErrorCodes.MissingInput, $"input '{spec.Name}' is missing");
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
    /// Submits a block of rows (every input rows first) and waits for all their outputs. The rows are batched like
    /// single items but queued and answered once, which makes a block much cheaper per row than as many
    /// <see cref="InferAsync"/> calls. A block that does not fit the pipeline's inputs gets
    /// <see cref="InferenceBlockResult.Error"/>; a row the model fails on is isolated into
    /// <see cref="InferenceBlockResult.RowErrors"/>. Throws as <see cref="InferAsync"/> does.
    /// </summary>
    public ValueTask<InferenceBlockResult> InferBlockAsync(InferenceBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (!IsReady)
        {
            throw new InvalidOperationException("the engine is not warmed up yet; await WarmUpAsync first");
        }

        if (ValidateNames(block.Inputs) is { } namesError)
        {
            return ValueTask.FromResult(InferenceBlockResult.Failure(block.RowCount, namesError));
        }

        var inputs = new TensorData[_plan.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = block.Inputs[_plan.Inputs[i].Name];
            if (_plan.Inputs[i].ValidateRows(inputs[i]) is { } message)
            {
                return ValueTask.FromResult(InferenceBlockResult.Failure(
                    block.RowCount, new InferenceError(InferenceErrorCodes.InvalidTensor, message)));
            }
        }

        return _batcher.SubmitAsync(inputs, block.RowCount, cancellationToken);
    }

    /// <summary>Stops accepting items, finishes the queued ones, and releases the sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync();
        _executor.Dispose();
        _memory.Dispose();
        _plan.Dispose();
        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    internal static InferenceEngine Create(
        PipelineOptions pipeline, BatchingOptions batching, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        InferenceMetrics? metrics, IReadOnlyCollection<string> availableProviders, bool forceSessionTransfers)
    {
        ThrowIfInvalid(new PipelineOptionsValidator().Validate(null, pipeline));
        ThrowIfInvalid(new BatchingOptionsValidator().Validate(null, batching));
        var bucketSizes = pipeline.EffectiveBatchSizes(batching.MaxBatchSize);
        if (bucketSizes[^1] < batching.MaxBatchSize)
        {
            throw new InvalidOperationException(
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
            plan = PipelinePlan.Load(pipeline, device, device.IsCuda || forceSessionTransfers, metrics, CancellationToken.None);
        }
        catch (OnnxRuntimeException ex) when (device.IsCuda && pipeline.Device == DeviceKind.Auto)
        {
            // The build has the provider but this machine cannot use it (no GPU or driver): auto means CPU then.
            LogCudaFallback(logger, ex.Message);
            device = ExecutionDevice.Cpu;
            plan = PipelinePlan.Load(pipeline, device, forceSessionTransfers, metrics, CancellationToken.None);
        }

        DeviceMemory? memory = null;
        PipelineExecutor? executor = null;
        try
        {
            memory = DeviceMemory.Create(device, plan.Stages[0].Session);
            var memoryForTransfer = memory;
            executor = new PipelineExecutor(
                plan,
                memory,
                runOptions => memoryForTransfer.IsHost && !forceSessionTransfers
                    ? new HostMemoryTransfer()
                    : new SessionTransfer(plan, device, pipeline, runOptions),
                bucketSizes,
                metrics);
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

    private static void ThrowIfInvalid(Microsoft.Extensions.Options.ValidateOptionsResult result)
    {
        if (result.Failed)
        {
            throw new InvalidOperationException(result.FailureMessage);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CUDA provider present but unusable ({Reason}); Pipeline:Device=auto falls back to cpu")]
    private static partial void LogCudaFallback(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stage {Stage}: ONNX Runtime inserted {Copies} host/device copies because some nodes cannot run on {Device}; every batch pays them (see ONNX Runtime's verbose log for which nodes)")]
    private static partial void LogInsertedCopies(ILogger logger, string stage, int copies, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline loaded: {Stages} stages on {Device}, buckets {Buckets}")]
    private static partial void LogLoaded(ILogger logger, int stages, string device, string buckets);
}
