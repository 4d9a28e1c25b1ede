using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Tensors;

namespace PullWorker.Inference.Execution;

/// <summary>
/// Runs batches through the pipeline on one device. Not thread-safe by design: exactly one thread (the
/// batcher's device loop) calls it, so one batch is on the device at a time and bindings are never shared.
/// Per batch: pad to the bucket, bind the staged rows as the stages' batch inputs (the upload), every stage with
/// its preallocated binding (outputs stay on the device and feed the next stage; results are bound to host memory,
/// so ONNX Runtime downloads them as it finishes), unpack rows. The copies are counted from what is bound and
/// copied, per batch.
/// </summary>
internal sealed class PipelineExecutor : IDisposable
{
    private readonly PipelinePlan _plan;
    private readonly DeviceMemory _memory;
    private readonly InferenceMetrics _metrics;
    private readonly RunOptions _runOptions = new();
    private readonly List<ShapeBucket> _buckets = [];  // ascending size
    private readonly int[] _bucketSizes;
    private readonly int _insertedCopies;
    private readonly bool _hostRoundTrips;
    private TransferCounts _lastTransfers = TransferCounts.None;

    /// <param name="hostRoundTrips">Test fixture: copy every stage-to-stage tensor through host memory (CPU only).</param>
    public PipelineExecutor(
        PipelinePlan plan, DeviceMemory memory, IReadOnlyList<int> bucketSizes, InferenceMetrics metrics, bool hostRoundTrips = false)
    {
        _plan = plan;
        _memory = memory;
        _metrics = metrics;
        _hostRoundTrips = hostRoundTrips;
        _bucketSizes = [.. bucketSizes.Order()];
        _insertedCopies = plan.Stages.Sum(stage => stage.Model.InsertedCopies);
    }

    public IReadOnlyList<int> BucketSizes => _bucketSizes;

    public int LargestBucketSize => _bucketSizes[^1];

    /// <summary>The pipeline inputs, in the order staging slots hold them.</summary>
    public IReadOnlyList<TensorSpec> Inputs => _plan.Inputs;

    /// <summary>Copies made for the last batch; read from any thread.</summary>
    public TransferCounts LastTransfers => Volatile.Read(ref _lastTransfers);

    public StagingSlot CreateStagingSlot() => new(_plan.Inputs, _bucketSizes, _memory);

    /// <summary>
    /// Binds every bucket and runs it twice with a zero batch: the first run discovers output shapes (and pays
    /// one-time costs such as cuDNN algorithm search), the second exercises the steady path.
    /// </summary>
    public void WarmUp(StagingSlot slot, CancellationToken cancellationToken)
    {
        foreach (var size in _bucketSizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            slot.Clear();
            _buckets.Add(ShapeBucket.Bind(size, _plan, slot, _memory, _runOptions, _hostRoundTrips));
            Run(slot, size);
        }
    }

    /// <summary>
    /// Runs the first <paramref name="count"/> staged rows and returns the outputs in host memory (rows beyond
    /// <paramref name="count"/> are padding), valid until the next run. The slot may be refilled once this returns.
    /// </summary>
    public BatchOutputs Run(StagingSlot slot, int count)
    {
        var bucket = SmallestBucketFor(count);
        slot.Pad(count, bucket.Size);

        var started = Stopwatch.GetTimestamp();
        var uploads = bucket.BindBatchInputs(slot, _memory);
        var uploaded = Stopwatch.GetTimestamp();
        _metrics.RecordUpload(Stopwatch.GetElapsedTime(started, uploaded));

        var stageStarted = uploaded;
        for (var i = 0; i < _plan.Stages.Count; i++)
        {
            bucket.PrepareStage(i);
            _plan.Stages[i].Session.RunWithBinding(_runOptions, bucket.StageBindings[i]);
            var stageEnded = Stopwatch.GetTimestamp();
            _metrics.RecordStage(_plan.Stages[i].Model.Name, Stopwatch.GetElapsedTime(stageStarted, stageEnded));
            stageStarted = stageEnded;
        }

        // The downloads happened inside the stages' runs (results are bound to host memory): nothing left to copy.
        _metrics.RecordDownload(Stopwatch.GetElapsedTime(stageStarted));
        var transfers = new TransferCounts(uploads, bucket.Downloads, bucket.InterStageHostCopies, _insertedCopies);
        Volatile.Write(ref _lastTransfers, transfers);
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
            Run(slot, 1);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    /// <summary>Asks ONNX Runtime to abandon the run in progress (and any later one): for a stop that cannot wait.</summary>
    public void Terminate() => _runOptions.Terminate = true;

    public void Dispose()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Dispose();
        }

        _runOptions.Dispose();
    }

    private ShapeBucket SmallestBucketFor(int count)
    {
        foreach (var bucket in _buckets)
        {
            if (bucket.Size >= count)
            {
                return bucket;
            }
        }

        throw new InvalidOperationException($"batch of {count} exceeds the largest bucket {LargestBucketSize}");
    }
}
