using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Batching;

/// <summary>
/// Triton-style dynamic batcher in front of one device thread.
/// <list type="bullet">
/// <item>Items wait in a bounded queue; a full queue makes <see cref="SubmitAsync"/> wait (backpressure).</item>
/// <item>The assembler copies queued items into the open batch's staging slot as they arrive, so batch k+1 is
/// built while batch k runs (two slots; the device thread returns a slot as soon as it is uploaded).</item>
/// <item>When the device is free the open batch goes at once if it is full, or if its oldest item has waited
/// <c>MaxDelay</c>; otherwise it waits for more items up to that point. A busy device lets it grow to the cap.</item>
/// <item>A failing batch is split in halves until the failing item is alone; it gets <c>inference_failed</c>
/// and the others their results. If a known-good batch then fails too, the device is at fault instead.</item>
/// </list>
/// </summary>
internal sealed partial class DynamicBatcher : IAsyncDisposable
{
    private readonly PipelineExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InferenceMetrics _metrics;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxDelay;
    private readonly Channel<PendingItem> _queue;
    private readonly Channel<StagingSlot> _freeSlots;
    private readonly Channel<AssembledBatch> _ready;
    private readonly SemaphoreSlim _deviceFree = new(0, 1);
    private readonly StagingSlot[] _slots;
    private readonly StagingSlot _retrySlot;
    private readonly CancellationTokenSource _stopCts = new();
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _assembler;
    private Task? _deviceThread;
    private int _queued;

    public DynamicBatcher(
        PipelineExecutor executor, BatchingOptions options, TimeProvider time, ILogger logger, InferenceMetrics metrics)
    {
        _executor = executor;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _maxBatchSize = Math.Min(options.MaxBatchSize, executor.MaxBatchSize);
        _maxDelay = options.MaxDelay;
        _queue = Channel.CreateBounded<PendingItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _freeSlots = Channel.CreateBounded<StagingSlot>(2);
        _ready = Channel.CreateBounded<AssembledBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        _slots = [executor.CreateStagingSlot(), executor.CreateStagingSlot()];
        _retrySlot = executor.CreateStagingSlot();
        foreach (var slot in _slots)
        {
            _freeSlots.Writer.TryWrite(slot);
        }

        metrics.ObservePending(() => Volatile.Read(ref _queued));
    }

    /// <summary>Raised (tests only) when a partial batch starts waiting for <c>MaxDelay</c>, with its item count.</summary>
    internal event Action<int>? PartialBatchHeld;

    /// <summary>True once every bucket has been warmed up.</summary>
    public bool IsWarmedUp => _warmedUp.Task.IsCompletedSuccessfully;

    /// <summary>Starts the device thread (which warms up every bucket first) and the assembler.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_deviceThread is null)
        {
            _deviceThread = Task.Factory.StartNew(
                RunDeviceThread, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            _assembler = AssembleAsync(_stopCts.Token);
        }

        return _warmedUp.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues an item (waiting while the queue is full) and waits for its result.</summary>
    public async ValueTask<InferenceResult> SubmitAsync(InferenceItem item, CancellationToken cancellationToken)
    {
        using var pending = new PendingItem(item, _time.GetTimestamp(), cancellationToken);
        Interlocked.Increment(ref _queued);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            Interlocked.Decrement(ref _queued);
            throw new InferenceUnavailableException("the inference engine is shutting down", ex);
        }
        catch
        {
            Interlocked.Decrement(ref _queued);
            throw;
        }

        try
        {
            return await pending.Result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _metrics.RecordFailure(InferenceMetrics.FailureReasons.Canceled);
            throw;
        }
    }

    /// <summary>Stops taking items, runs what is queued, and stops the device thread.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (!_warmedUp.Task.IsCompletedSuccessfully)
        {
            // Nothing can run: stop the assembler instead of letting it wait for a device that never frees.
            await _stopCts.CancelAsync();
        }

        await Task.WhenAll(new[] { _assembler, _deviceThread }.OfType<Task>());

        // Releases a device-free wait the assembler may have left pending when the queue ran dry.
        await _stopCts.CancelAsync();
        foreach (var slot in _slots.Append(_retrySlot))
        {
            slot.Dispose();
        }

        _deviceFree.Dispose();
        _stopCts.Dispose();
    }

    private async Task AssembleAsync(CancellationToken cancellationToken)
    {
        AssembledBatch? open = null;
        Task<bool>? itemsArrived = null;
        Task? deviceFree = null;
        var drained = false;
        try
        {
            while (true)
            {
                if (open is null)
                {
                    if (drained || !await _queue.Reader.WaitToReadAsync(cancellationToken))
                    {
                        break;
                    }

                    open = new AssembledBatch(await _freeSlots.Reader.ReadAsync(cancellationToken), ReturnSlot);
                }

                while (open.Count < _maxBatchSize && _queue.Reader.TryRead(out var item))
                {
                    Interlocked.Decrement(ref _queued);
                    if (!item.IsCompleted)
                    {
                        open.Add(item);
                    }
                }

                if (open.Count == 0)
                {
                    // Everything drained was canceled while queued: keep the slot and wait for more.
                    itemsArrived ??= _queue.Reader.WaitToReadAsync(cancellationToken).AsTask();
                    drained = !await itemsArrived;
                    itemsArrived = null;
                    if (drained)
                    {
                        open.ReleaseSlot();
                        open = null;
                    }

                    continue;
                }

                deviceFree ??= _deviceFree.WaitAsync(cancellationToken);
                var waited = _time.GetElapsedTime(open.OldestEnqueuedAt);
                if (deviceFree.IsCompleted && (open.Count >= _maxBatchSize || drained || waited >= _maxDelay))
                {
                    await deviceFree;
                    deviceFree = null;
                    await _ready.Writer.WriteAsync(open, cancellationToken);
                    open = null;
                    continue;
                }

                if (open.Count >= _maxBatchSize || drained)
                {
                    await deviceFree;
                    continue;
                }

                itemsArrived ??= _queue.Reader.WaitToReadAsync(cancellationToken).AsTask();
                if (!deviceFree.IsCompleted)
                {
                    await Task.WhenAny(itemsArrived, deviceFree);
                }
                else
                {
                    using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var delay = Task.Delay(_maxDelay - waited, _time, delayCts.Token);
                    PartialBatchHeld?.Invoke(open.Count);
                    await Task.WhenAny(itemsArrived, delay);
                    await delayCts.CancelAsync();
                }

                if (itemsArrived.IsCompleted)
                {
                    drained = !await itemsArrived;
                    itemsArrived = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var unavailable = new InferenceUnavailableException("the inference engine stopped before this item ran");
            foreach (var item in open?.Items ?? [])
            {
                item.Fail(unavailable);
            }

            while (_queue.Reader.TryRead(out var item))
            {
                item.Fail(unavailable);
            }
        }
        finally
        {
            _ready.Writer.TryComplete();
        }
    }

    private void ReturnSlot(StagingSlot slot) => _freeSlots.Writer.TryWrite(slot);

    private void RunDeviceThread()
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
            return;
        }

        while (true)
        {
            _deviceFree.Release();

            // A dedicated thread: blocking here keeps every session call on this one thread.
            if (!_ready.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                return;
            }

            while (_ready.Reader.TryRead(out var batch))
            {
                Execute(batch);
            }
        }
    }

    private void Execute(AssembledBatch batch)
    {
        var started = _time.GetTimestamp();
        foreach (var item in batch.Items)
        {
            item.MarkOnDevice();
            _metrics.RecordQueueTime(_time.GetElapsedTime(item.EnqueuedAt, started));
        }

        try
        {
            Deliver(batch.Items, _executor.Run(batch.Slot, batch.Count, batch.ReleaseSlot));
        }
        catch (OnnxRuntimeException ex)
        {
            batch.ReleaseSlot();
            LogBatchFailed(_logger, batch.Count, ex.Message);
            bool? deviceHealthy = null;
            Isolate(batch.Items, ex, ref deviceHealthy);
        }
        catch (Exception ex)
        {
            LogBatchCrashed(_logger, batch.Count, ex);
            foreach (var item in batch.Items)
            {
                item.Fail(new InferenceUnavailableException("the inference engine failed: " + ex.Message, ex));
            }
        }
        finally
        {
            batch.ReleaseSlot();
        }
    }

    private void Isolate(IReadOnlyList<PendingItem> items, OnnxRuntimeException failure, ref bool? deviceHealthy)
    {
        if (items.Count == 1)
        {
            deviceHealthy ??= _executor.CanRunKnownGoodBatch(_retrySlot);
            if (deviceHealthy.Value)
            {
                _metrics.RecordFailure(InferenceMetrics.FailureReasons.InferenceFailed);
                items[0].Complete(InferenceResult.Failure(
                    InferenceErrorCodes.InferenceFailed, "the model failed on this input: " + failure.Message));
            }
            else
            {
                _metrics.RecordFailure(InferenceMetrics.FailureReasons.Device);
                items[0].Fail(new InferenceUnavailableException("the device failed: " + failure.Message, failure));
            }

            return;
        }

        var half = items.Count / 2;
        foreach (var part in new[] { items.Take(half).ToArray(), items.Skip(half).ToArray() })
        {
            try
            {
                for (var row = 0; row < part.Length; row++)
                {
                    _retrySlot.WriteRow(row, part[row].Item.Inputs);
                }

                Deliver(part, _executor.Run(_retrySlot, part.Length, onStagingConsumed: null));
            }
            catch (OnnxRuntimeException partFailure)
            {
                Isolate(part, partFailure, ref deviceHealthy);
            }
        }
    }

    private void Deliver(IReadOnlyList<PendingItem> items, IReadOnlyDictionary<string, Tensors.TensorData>[] outputs)
    {
        var delivered = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Complete(InferenceResult.Success(outputs[i])))
            {
                delivered++;
            }
        }

        _metrics.RecordSuccesses(delivered);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Warm-up failed; the pipeline cannot serve")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} failed ({Reason}); splitting it to isolate the failing item")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} failed outside the model")]
    private static partial void LogBatchCrashed(ILogger logger, int count, Exception exception);
}
