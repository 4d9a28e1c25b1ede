using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>
/// Triton-style dynamic batcher and the one device loop behind it.
/// <list type="bullet">
/// <item>Items wait in a queue of <see cref="QueuedBatches"/> batches; beyond it a submit waits (backpressure).</item>
/// <item>The device loop takes the first item, then fills the batch to <c>Batching:MaxBatchSize</c>, waiting at
/// most until its first item has waited <c>Batching:MaxDelay</c>, and runs it. A busy device lets batches grow to
/// the cap on their own.</item>
/// <item>A batch that fails in ONNX Runtime goes to <see cref="FailedBatchSplitter"/>, which finds the failing
/// item and delivers the others; if the device itself is at fault, the engine is broken.</item>
/// <item>Anything else escaping the loop also breaks the engine: every item in the batch and in the queue fails
/// at once with <see cref="InferenceUnavailableException"/>, new submissions are refused, and
/// <see cref="Broken"/> faults, so nothing waits for a loop that is gone.</item>
/// </list>
/// Items are validated before they get here (<see cref="InferenceEngine.Validate"/>), in one place.
/// </summary>
internal sealed partial class DynamicBatcher : IAsyncDisposable
{
    /// <summary>
    /// How many full batches the queue holds before a submit waits. Not a setting: an item waiting to join a batch
    /// holds its memory whether it sits in this queue or in a caller awaiting room, so a larger queue bounds
    /// nothing more. The callers set the bound (in the worker, Pub/Sub flow control); four batches only keep the
    /// device fed while they refill the queue.
    /// </summary>
    internal const int QueuedBatches = 4;

    private readonly PipelineExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InferenceMetrics _metrics;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxDelay;
    private readonly Channel<ItemSubmission> _queue;
    private readonly StagingSlot _slot;
    private readonly StagingSlot _retrySlot;
    private readonly FailedBatchSplitter _splitter;
    private readonly CancellationTokenSource _stopCts = new();
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _broken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _deviceLoop;
    private int _queuedItems;

    public DynamicBatcher(
        PipelineExecutor executor, BatchingOptions options, TimeProvider time, ILogger logger, InferenceMetrics metrics)
    {
        _executor = executor;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _maxBatchSize = Math.Min(options.MaxBatchSize, executor.LargestBucketSize);
        _maxDelay = options.MaxDelay;
        _queue = Channel.CreateBounded<ItemSubmission>(new BoundedChannelOptions(QueuedBatches * _maxBatchSize)
        {
            // Not single-reader: a dispose that gives up on a stuck device loop empties the queue beside it.
            FullMode = BoundedChannelFullMode.Wait,
        });
        _slot = executor.CreateStagingSlot();
        _retrySlot = executor.CreateStagingSlot();
        _splitter = new FailedBatchSplitter(executor, _retrySlot, metrics);
        metrics.ObservePending(() => Volatile.Read(ref _queuedItems));
    }

    /// <summary>
    /// Raised (tests only) when the device loop starts waiting <c>MaxDelay</c> for a partial batch, with its item
    /// count; on the device thread, so handlers must only signal.
    /// </summary>
    internal event Action<int>? PartialBatchHeld;

    /// <summary>Called (tests only) on the device thread before each batch runs, with its item count.</summary>
    internal Action<int>? BeforeBatch { get; set; }

    /// <summary>How long <see cref="DisposeAsync"/> lets queued items finish before it stops the device.</summary>
    internal TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True once every bucket has been warmed up.</summary>
    public bool IsWarmedUp => _warmedUp.Task.IsCompletedSuccessfully;

    /// <summary>Faults when the device loop can no longer run batches; never completes otherwise.</summary>
    public Task Broken => _broken.Task;

    /// <summary>True when the device loop is still inside ONNX Runtime after dispose gave up on it.</summary>
    public bool DeviceStuck { get; private set; }

    /// <summary>Starts the device loop (which warms up every bucket first); completes when warmed up.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A dedicated thread: every session call stays on this one thread, and blocking waits cost no pool thread.
        _deviceLoop ??= Task.Factory.StartNew(
            RunDeviceLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _warmedUp.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues an item (waiting while the queue is full) and waits for its result.</summary>
    public async ValueTask<InferenceResult> SubmitAsync(InferenceItem item, CancellationToken cancellationToken)
    {
        ThrowIfBroken();
        using var submission = new ItemSubmission(item, _time.GetTimestamp(), cancellationToken);
        submission.CancelWithOwnerToken();
        Interlocked.Increment(ref _queuedItems);
        try
        {
            await _queue.Writer.WriteAsync(submission, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            Interlocked.Decrement(ref _queuedItems);
            ThrowIfBroken();
            throw new InferenceUnavailableException("the inference engine is shutting down", ex);
        }
        catch
        {
            Interlocked.Decrement(ref _queuedItems);
            throw;
        }

        try
        {
            return await submission.Result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _metrics.RecordFailure(InferenceMetrics.FailureReasons.Canceled);
            throw;
        }
    }

    /// <summary>
    /// Stops taking items and lets the queued ones run, for at most <see cref="DrainTimeout"/>; then terminates
    /// the run in progress and fails what is left. <see cref="DeviceStuck"/> tells whether the loop ended.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (!_warmedUp.Task.IsCompleted)
        {
            // Nothing ran yet: stop the warm-up instead of waiting for it.
            await _stopCts.CancelAsync();
        }

        if (_deviceLoop is { } loop && !await EndsWithinAsync(loop, DrainTimeout))
        {
            LogDrainTimedOut(_logger, DrainTimeout);
            await _stopCts.CancelAsync();
            _executor.Terminate();
            FailQueued(new InferenceUnavailableException("the inference engine stopped before this item ran"), InferenceMetrics.FailureReasons.Shutdown);
            DeviceStuck = !await EndsWithinAsync(loop, DrainTimeout);
            if (DeviceStuck)
            {
                // Freeing buffers ONNX Runtime may still write into would crash the process; leak them instead.
                LogDeviceStuck(_logger);
                return;
            }
        }

        _slot.Dispose();
        _retrySlot.Dispose();
        _stopCts.Dispose();
    }

    private async Task<bool> EndsWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, _time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void ThrowIfBroken()
    {
        if (_broken.Task.Exception?.InnerException is { } reason)
        {
            throw new InferenceUnavailableException(reason.Message, reason);
        }
    }

    private void RunDeviceLoop()
    {
        try
        {
            _executor.WarmUp(_retrySlot, _stopCts.Token);
            _warmedUp.TrySetResult();
        }
        catch (Exception ex)
        {
            LogWarmUpFailed(_logger, ex);
            _warmedUp.TrySetException(ex);
            MarkBroken(new InferenceUnavailableException("the inference engine failed to warm up: " + ex.Message, ex), []);
            return;
        }

        var batch = new List<ItemSubmission>(_maxBatchSize);
        try
        {
            while (TakeBatch(batch))
            {
                Execute(batch);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            LogDeviceLoopFailed(_logger, batch.Count, ex);
            var reason = ex is DeviceFailedException
                ? ex.Message
                : "the inference engine's device loop failed: " + ex.Message;
            MarkBroken(new InferenceUnavailableException(reason, ex), batch);
        }
    }

    /// <summary>Fails the batch in hand and every queued item, refuses new ones, and faults <see cref="Broken"/>.</summary>
    private void MarkBroken(InferenceUnavailableException reason, List<ItemSubmission> batch)
    {
        _broken.TrySetException(reason);
        _queue.Writer.TryComplete();
        foreach (var submission in batch.Where(submission => !submission.IsCompleted))
        {
            _metrics.RecordFailure(InferenceMetrics.FailureReasons.Device);
            submission.Fail(reason);
        }

        FailQueued(reason, InferenceMetrics.FailureReasons.Device);
    }

    private void FailQueued(Exception reason, string failureReason)
    {
        // Once the writer is completed nothing new arrives, so this empties the queue for good.
        while (_queue.Reader.TryRead(out var submission))
        {
            Interlocked.Decrement(ref _queuedItems);
            _metrics.RecordFailure(failureReason);
            submission.Fail(reason);
        }
    }

    /// <summary>
    /// Fills <paramref name="batch"/> (staged in <see cref="_slot"/>) with the next items; false once the queue has
    /// ended and is empty.
    /// </summary>
    private bool TakeBatch(List<ItemSubmission> batch)
    {
        while (batch.Count == 0)
        {
            if (!TryTake(batch) && !Wait(CancellationToken.None))
            {
                return false;
            }
        }

        var oldest = batch[0].EnqueuedAt;
        while (batch.Count < _maxBatchSize)
        {
            if (TryTake(batch))
            {
                continue;
            }

            var wait = _maxDelay - _time.GetElapsedTime(oldest);
            if (wait <= TimeSpan.Zero)
            {
                break;
            }

            using var delay = new CancellationTokenSource(wait, _time);
            PartialBatchHeld?.Invoke(batch.Count);
            if (!Wait(delay.Token))
            {
                break;
            }
        }

        return true;
    }

    /// <summary>Moves one queued item into the batch (skipping withdrawn ones); false when the queue is empty.</summary>
    private bool TryTake(List<ItemSubmission> batch)
    {
        while (_queue.Reader.TryRead(out var submission))
        {
            Interlocked.Decrement(ref _queuedItems);
            if (submission.IsCompleted)
            {
                continue;
            }

            try
            {
                submission.Stage(_slot, batch.Count);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Its tensors do not fit the staging rows (a caller bypassed validation): its own fault, fail it alone.
                submission.Fail(ex);
                continue;
            }

            batch.Add(submission);
            return true;
        }

        return false;
    }

    /// <summary>Blocks the device thread until an item is queued (true), or the queue ended or the wait was canceled.</summary>
    private bool Wait(CancellationToken cancellationToken)
    {
        try
        {
            return _queue.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Execute(List<ItemSubmission> batch)
    {
        BeforeBatch?.Invoke(batch.Count);
        var started = _time.GetTimestamp();
        foreach (var submission in batch)
        {
            if (submission.MarkOnDevice())
            {
                _metrics.RecordQueueTime(_time.GetElapsedTime(submission.EnqueuedAt, started));
            }
        }

        try
        {
            var outputs = _executor.Run(_slot, batch.Count);
            _metrics.RecordSuccesses(ItemSubmission.DeliverAll(batch, outputs));
        }
        catch (OnnxRuntimeException ex)
        {
            LogBatchFailed(_logger, batch.Count, ex.Message);
            _splitter.Isolate(batch, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Warm-up failed; the pipeline cannot serve")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} failed ({Reason}); splitting it to isolate the failing item")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The device loop failed with {Count} items in hand; the inference engine is broken and fails every queued item")]
    private static partial void LogDeviceLoopFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued items did not finish within {Timeout}; terminating the run in progress")]
    private static partial void LogDrainTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "The device loop is still inside ONNX Runtime after termination; its sessions and buffers are left allocated rather than freed under it")]
    private static partial void LogDeviceStuck(ILogger logger);
}
