using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Runs batches through the pipeline on one device. Not thread-safe by design: exactly one thread (the
/// batcher's device thread) calls it, so one batch is on the device at a time and bindings are never shared.
/// Per batch: pad to the bucket, one upload, every stage with its preallocated binding (outputs stay on the
/// device and feed the next stage), one download, unpack rows.
/// </summary>
internal sealed class PipelineExecutor : IDisposable
{
    private readonly PipelinePlan _plan;
    private readonly DeviceMemory _memory;
    private readonly IDeviceTransfer _transfer;
    private readonly InferenceMetrics _metrics;
    private readonly RunOptions _runOptions = new();
    private readonly List<Bucket> _buckets = [];  // ascending size
    private readonly Lock _transfersLock = new();
    private readonly int[] _bucketSizes;
    private readonly int _insertedCopies;
    private TransferCounts _lastTransfers;

    public PipelineExecutor(
        PipelinePlan plan, DeviceMemory memory, Func<RunOptions, IDeviceTransfer> transfer,
        IReadOnlyList<int> bucketSizes, InferenceMetrics metrics)
    {
        _plan = plan;
        _memory = memory;
        _metrics = metrics;
        _bucketSizes = [.. bucketSizes.Order()];
        _insertedCopies = plan.Stages.Sum(stage => stage.Model.InsertedCopies);
        _transfer = transfer(_runOptions);
    }

    public IReadOnlyList<int> BucketSizes => _bucketSizes;

    public int MaxBatchSize => _bucketSizes[^1];

    /// <summary>The pipeline inputs, in the order staging slots hold them.</summary>
    public IReadOnlyList<TensorSpec> Inputs => _plan.Inputs;

    /// <summary>The largest bucket's outputs: names, per-row layouts and labels, known once warmed up.</summary>
    public BatchOutputs Outputs => _buckets[^1].Outputs;

    /// <summary>Copies made for the last batch; read from any thread.</summary>
    public TransferCounts LastTransfers
    {
        get
        {
            lock (_transfersLock)
            {
                return _lastTransfers;
            }
        }
    }

    public StagingSlot CreateStagingSlot() => new(_plan.Inputs, _bucketSizes, _memory);

    /// <summary>
    /// Allocates and binds every bucket and runs it twice with a zero batch: the first run discovers output
    /// shapes (and pays one-time costs such as cuDNN algorithm search), the second exercises the steady path.
    /// </summary>
    public void WarmUp(StagingSlot slot, CancellationToken cancellationToken)
    {
        foreach (var size in _bucketSizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            slot.Clear();
            var bucket = Bucket.Allocate(size, _plan.Inputs, _memory);
            _buckets.Add(bucket);
            _transfer.Upload(bucket, slot);
            bucket.BindStages(_plan, _memory, _runOptions);
            Run(slot, size, onStagingConsumed: null);
        }
    }

    /// <summary>
    /// Runs the first <paramref name="count"/> staged rows and returns the outputs in host memory (rows beyond
    /// <paramref name="count"/> are padding), valid until the next run. <paramref name="onStagingConsumed"/> is
    /// called as soon as the slot's rows are on the device, so the batcher can assemble the next batch in it while
    /// this one computes.
    /// </summary>
    public BatchOutputs Run(StagingSlot slot, int count, Action? onStagingConsumed)
    {
        var bucket = SmallestBucketFor(count);
        slot.Pad(count, bucket.Size);

        var started = Stopwatch.GetTimestamp();
        _transfer.Upload(bucket, slot);
        onStagingConsumed?.Invoke();
        var uploaded = Stopwatch.GetTimestamp();
        _metrics.RecordUpload(Stopwatch.GetElapsedTime(started, uploaded));

        var stageStarted = uploaded;
        for (var i = 0; i < _plan.Stages.Count; i++)
        {
            _plan.Stages[i].Session.RunWithBinding(_runOptions, bucket.StageBindings[i]);
            var stageEnded = Stopwatch.GetTimestamp();
            _metrics.RecordStage(_plan.Stages[i].Model.Name, Stopwatch.GetElapsedTime(stageStarted, stageEnded));
            stageStarted = stageEnded;
        }

        _transfer.Download(bucket);
        _metrics.RecordDownload(Stopwatch.GetElapsedTime(stageStarted));

        var transfers = new TransferCounts(Uploads: 1, Downloads: 1, bucket.InterStageHostCopies, _insertedCopies);
        lock (_transfersLock)
        {
            _lastTransfers = transfers;
        }

        _metrics.RecordExecution(count, transfers);
        return bucket.Outputs;
    }

    /// <summary>
    /// True when a known-good batch (zeros, as in warm-up) still runs: tells a poisoned item from a failed device.
    /// </summary>
    public bool CanRunKnownGoodBatch(StagingSlot slot)
    {
        try
        {
            slot.Clear();
            Run(slot, 1, onStagingConsumed: null);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Dispose();
        }

        _transfer.Dispose();
        _runOptions.Dispose();
    }

    private Bucket SmallestBucketFor(int count)
    {
        foreach (var bucket in _buckets)
        {
            if (bucket.Size >= count)
            {
                return bucket;
            }
        }

        throw new InvalidOperationException($"batch of {count} exceeds the largest bucket {MaxBatchSize}");
    }
}
