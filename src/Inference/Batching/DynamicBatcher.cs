using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Configuration;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Execution;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Batching;

/// <summary>
/// Triton-style dynamic batcher in front of one device thread.
/// <list type="bullet">
/// <item>Submissions (single items or blocks of rows) wait in a bounded queue; a full queue makes the submit
/// wait (backpressure).</item>
/// <item>Queued rows are copied into the open batch's staging slot as they arrive, so batch k+1 is built while
/// batch k runs (two slots; the device thread returns a slot as soon as it is uploaded). A block larger than the
/// room left spills into the next batch. The assembler task does the copying while batches run long; after short
/// batches the device thread does it itself, as a hand-off would cost more than the copy.</item>
/// <item>The device thread, when free, takes the next full batch; otherwise the open one at once if its oldest
/// row has waited <c>MaxDelay</c>, or else waits for more rows up to that point. A busy device lets batches grow
/// to the cap.</item>
/// <item>A failing batch is split in halves until the failing row is alone; it gets <c>inference_failed</c>
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
    private readonly Channel<Submission> _queue;
    private readonly StagingSlot[] _slots;
    private readonly StagingSlot _retrySlot;
    private readonly ITimer _delayTimer;
    private readonly CancellationTokenSource _stopCts = new();
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Assembly state, shared by the assembler and the device thread: both move queued rows into batches. The
    // device thread waits on _gate (Monitor) when there is nothing it may take yet; the assembler on _slotReturned
    // when both slots are out.
    private readonly object _gate = new();
    private readonly Stack<StagingSlot> _freeSlots = new(2);
    private readonly Queue<AssembledBatch> _full = new(2);
    private readonly SemaphoreSlim _slotReturned = new(0, 1);
    private Submission? _current;
    private int _currentNextRow;
    private AssembledBatch? _open;
    private bool _queueEnded;
    private bool _deviceWaiting;
    private bool _assemblerWaitingForSlot;
    private TimeSpan _lastRunTime = TimeSpan.MaxValue;  // device thread only

    private Task? _assembler;
    private Task? _deviceThread;
    private int _queuedRows;

    public DynamicBatcher(
        PipelineExecutor executor, BatchingOptions options, TimeProvider time, ILogger logger, InferenceMetrics metrics)
    {
        _executor = executor;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _maxBatchSize = Math.Min(options.MaxBatchSize, executor.MaxBatchSize);
        _maxDelay = options.MaxDelay;
        _queue = Channel.CreateBounded<Submission>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        _slots = [executor.CreateStagingSlot(), executor.CreateStagingSlot()];
        _retrySlot = executor.CreateStagingSlot();
        foreach (var slot in _slots)
        {
            _freeSlots.Push(slot);
        }

        _delayTimer = time.CreateTimer(
            static state => ((DynamicBatcher)state!).WakeDevice(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        metrics.ObservePending(() => Volatile.Read(ref _queuedRows));
    }

    /// <summary>
    /// Raised (tests only) when the free device starts waiting <c>MaxDelay</c> for a partial batch, with its row
    /// count; on the device thread, under the batcher's lock, so handlers must only signal.
    /// </summary>
    internal event Action<int>? PartialBatchHeld;

    /// <summary>
    /// Waking the assembler for a returned slot costs the device thread a wake-up, and the assembler tens of
    /// microseconds to get going: worth it only when batches run long enough for its copies to overlap them. After
    /// shorter batches the device thread fills the slot itself when it comes back for the next batch. Settable
    /// for tests, which exercise both paths.
    /// </summary>
    internal TimeSpan AssemblerHandOffThreshold { get; set; } = TimeSpan.FromMicroseconds(100);

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
    public ValueTask<InferenceResult> SubmitAsync(InferenceItem item, CancellationToken cancellationToken) =>
        EnqueueAsync(new ItemSubmission(item, _time.GetTimestamp(), cancellationToken), cancellationToken);

    /// <summary>Queues a validated block (its tensors in pipeline input order) and waits for all its rows.</summary>
    public ValueTask<InferenceBlockResult> SubmitAsync(TensorData[] inputs, int rowCount, CancellationToken cancellationToken) =>
        EnqueueAsync(
            new BlockSubmission(_executor.Inputs, inputs, rowCount, _executor.Outputs, _time.GetTimestamp(), cancellationToken),
            cancellationToken);

    /// <summary>Stops taking submissions, runs what is queued, and stops the device thread.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (!_warmedUp.Task.IsCompletedSuccessfully)
        {
            // Nothing can run: stop the assembler instead of letting it wait for slots that never come back.
            await _stopCts.CancelAsync();
        }

        await Task.WhenAll(new[] { _assembler, _deviceThread }.OfType<Task>());
        await _delayTimer.DisposeAsync();
        foreach (var slot in _slots.Append(_retrySlot))
        {
            slot.Dispose();
        }

        _slotReturned.Dispose();
        _stopCts.Dispose();
    }

    private async ValueTask<TResult> EnqueueAsync<TResult>(Submission<TResult> submission, CancellationToken cancellationToken)
    {
        using (submission)
        {
            submission.CancelWith(cancellationToken);
            if (!submission.IsCompleted)
            {
                Interlocked.Add(ref _queuedRows, submission.RowCount);
                try
                {
                    await _queue.Writer.WriteAsync(submission, cancellationToken);
                }
                catch (ChannelClosedException ex)
                {
                    Interlocked.Add(ref _queuedRows, -submission.RowCount);
                    throw new InferenceUnavailableException("the inference engine is shutting down", ex);
                }
                catch
                {
                    Interlocked.Add(ref _queuedRows, -submission.RowCount);
                    throw;
                }
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
    }

    /// <summary>
    /// Copies queued rows into staging slots while the device computes, so the next batch is ready when the device
    /// is free; waits for submissions, or for a slot when both are out.
    /// </summary>
    private async Task AssembleAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                bool needSlot;
                lock (_gate)
                {
                    needSlot = Pump();
                    _assemblerWaitingForSlot = needSlot;
                }

                if (needSlot)
                {
                    await _slotReturned.WaitAsync(cancellationToken);
                }
                else if (!await _queue.Reader.WaitToReadAsync(cancellationToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            FailUnstarted();
        }
        finally
        {
            lock (_gate)
            {
                _queueEnded = true;
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>
    /// Under <see cref="_gate"/>: moves queued rows into batches until the queue is empty or both slots are out;
    /// returns true in the second case (rows are waiting for a slot). Wakes the device if it waits for rows.
    /// </summary>
    private bool Pump()
    {
        var moved = false;
        try
        {
            while (true)
            {
                if (_current is null || _currentNextRow == _current.RowCount || _current.IsCompleted)
                {
                    if (!_queue.Reader.TryRead(out _current))
                    {
                        return false;
                    }

                    Interlocked.Add(ref _queuedRows, -_current.RowCount);
                    _currentNextRow = 0;
                    continue;
                }

                if (_open is null)
                {
                    if (!_freeSlots.TryPop(out var slot))
                    {
                        return true;
                    }

                    _open = new AssembledBatch(slot, _maxBatchSize, ReturnSlot);
                }

                try
                {
                    _currentNextRow += _open.Add(_current, _currentNextRow);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Its rows could not be copied (a caller bypassed validation): fail it alone, keep batching.
                    _current.Fail(ex);
                    continue;
                }

                moved = true;
                if (_open.IsFull)
                {
                    _full.Enqueue(_open);
                    _open = null;
                }
            }
        }
        finally
        {
            if (moved && _deviceWaiting)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private void FailUnstarted()
    {
        var unavailable = new InferenceUnavailableException("the inference engine stopped before this item ran");
        lock (_gate)
        {
            foreach (var batch in _full.Append(_open).OfType<AssembledBatch>())
            {
                foreach (var segment in batch.Segments)
                {
                    segment.Submission.Fail(unavailable);
                }
            }

            _current?.Fail(unavailable);
            _full.Clear();
            _open = null;
            _current = null;
        }

        while (_queue.Reader.TryRead(out var submission))
        {
            submission.Fail(unavailable);
        }
    }

    private void ReturnSlot(StagingSlot slot)
    {
        lock (_gate)
        {
            _freeSlots.Push(slot);
            if (_lastRunTime >= AssemblerHandOffThreshold)
            {
                WakeAssemblerIfWaitingForSlot();
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>.</summary>
    private void WakeAssemblerIfWaitingForSlot()
    {
        if (_assemblerWaitingForSlot)
        {
            _assemblerWaitingForSlot = false;
            _slotReturned.Release();
        }
    }

    private void WakeDevice()
    {
        lock (_gate)
        {
            Monitor.Pulse(_gate);
        }
    }

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

        // A dedicated thread: blocking in TakeBatch keeps every session call on this one thread.
        while (TakeBatch() is { } batch)
        {
            Execute(batch);
        }
    }

    /// <summary>The next batch the free device may run, waiting as long as there is none; null once all ran.</summary>
    private AssembledBatch? TakeBatch()
    {
        lock (_gate)
        {
            while (true)
            {
                // Rows still queued are copied here rather than after a hand-off to the assembler, whose wake-up can
                // take longer than a small model's whole batch.
                if (_full.Count == 0)
                {
                    Pump();
                }

                if (_full.TryDequeue(out var full))
                {
                    return full;
                }

                if (_open is { RowCount: > 0 } open)
                {
                    var wait = _maxDelay - _time.GetElapsedTime(open.OldestEnqueuedAt);
                    if (wait <= TimeSpan.Zero || _queueEnded)
                    {
                        _open = null;
                        return open;
                    }

                    _delayTimer.Change(wait, Timeout.InfiniteTimeSpan);
                    PartialBatchHeld?.Invoke(open.RowCount);
                }
                else if (_queueEnded)
                {
                    return null;
                }

                // Idle: whoever assembles next must be listening to the queue.
                WakeAssemblerIfWaitingForSlot();
                _deviceWaiting = true;
                Monitor.Wait(_gate);
                _deviceWaiting = false;
            }
        }
    }

    private void Execute(AssembledBatch batch)
    {
        var started = _time.GetTimestamp();
        var segments = batch.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Submission.MarkOnDevice())
            {
                _metrics.RecordQueueTime(_time.GetElapsedTime(segments[i].Submission.EnqueuedAt, started));
            }
        }

        try
        {
            var runStarted = Stopwatch.GetTimestamp();
            var outputs = _executor.Run(batch.Slot, batch.RowCount, batch.ReleaseSlot);
            _lastRunTime = Stopwatch.GetElapsedTime(runStarted);
            var delivered = 0;
            for (var i = 0; i < segments.Count; i++)
            {
                var segment = segments[i];
                delivered += segment.Submission.Deliver(outputs, segment.BatchRow, segment.FirstRow, segment.Count);
            }

            _metrics.RecordSuccesses(delivered);
        }
        catch (OnnxRuntimeException ex)
        {
            batch.ReleaseSlot();
            LogBatchFailed(_logger, batch.RowCount, ex.Message);
            bool? deviceHealthy = null;
            var rows = segments.SelectMany(s => Enumerable.Range(s.FirstRow, s.Count).Select(row => (s.Submission, row))).ToArray();
            Isolate(rows, ex, ref deviceHealthy);
        }
        catch (Exception ex)
        {
            LogBatchCrashed(_logger, batch.RowCount, ex);
            foreach (var segment in segments)
            {
                segment.Submission.Fail(new InferenceUnavailableException("the inference engine failed: " + ex.Message, ex));
            }
        }
        finally
        {
            batch.ReleaseSlot();
        }
    }

    private void Isolate((Submission Submission, int Row)[] rows, OnnxRuntimeException failure, ref bool? deviceHealthy)
    {
        if (rows.Length == 1)
        {
            var (submission, row) = rows[0];
            deviceHealthy ??= _executor.CanRunKnownGoodBatch(_retrySlot);
            if (deviceHealthy.Value)
            {
                _metrics.RecordFailure(InferenceMetrics.FailureReasons.InferenceFailed);
                submission.FailRow(row, new InferenceError(
                    InferenceErrorCodes.InferenceFailed, "the model failed on this input: " + failure.Message));
            }
            else
            {
                _metrics.RecordFailure(InferenceMetrics.FailureReasons.Device);
                submission.Fail(new InferenceUnavailableException("the device failed: " + failure.Message, failure));
            }

            return;
        }

        var half = rows.Length / 2;
        foreach (var part in new[] { rows[..half], rows[half..] })
        {
            try
            {
                for (var i = 0; i < part.Length; i++)
                {
                    part[i].Submission.WriteRows(_retrySlot, i, part[i].Row, 1);
                }

                var outputs = _executor.Run(_retrySlot, part.Length, onStagingConsumed: null);
                var delivered = 0;
                for (var i = 0; i < part.Length; i++)
                {
                    delivered += part[i].Submission.Deliver(outputs, i, part[i].Row, 1);
                }

                _metrics.RecordSuccesses(delivered);
            }
            catch (OnnxRuntimeException partFailure)
            {
                Isolate(part, partFailure, ref deviceHealthy);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Warm-up failed; the pipeline cannot serve")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} failed ({Reason}); splitting it to isolate the failing row")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} failed outside the model")]
    private static partial void LogBatchCrashed(ILogger logger, int count, Exception exception);
}
