using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using PullWorker.Inference.Diagnostics;
using PullWorker.Inference.Stages;
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
    private readonly SortedDictionary<int, Bucket> _buckets = [];
    private readonly int[] _bucketSizes;
    private TransferCounts _lastTransfers;

    public PipelineExecutor(
        PipelinePlan plan, DeviceMemory memory, Func<RunOptions, IDeviceTransfer> transfer,
        IReadOnlyList<int> bucketSizes, InferenceMetrics metrics)
    {
        _plan = plan;
        _memory = memory;
        _metrics = metrics;
        _bucketSizes = [.. bucketSizes.Order()];
        _transfer = transfer(_runOptions);
    }

    public IReadOnlyList<int> BucketSizes => _bucketSizes;

    public int MaxBatchSize => _bucketSizes[^1];

    /// <summary>Copies made for the last batch; read from any thread.</summary>
    public TransferCounts LastTransfers
    {
        get
        {
            lock (_buckets)
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
            _buckets[size] = bucket;
            _transfer.Upload(bucket, slot);
            bucket.BindStages(_plan, _memory, _runOptions);
            Run(slot, size, onStagingConsumed: null);
        }
    }

    /// <summary>
    /// Runs the first <paramref name="count"/> staged rows and returns each row's outputs by name.
    /// <paramref name="onStagingConsumed"/> is called as soon as the slot's rows are on the device, so the
    /// batcher can assemble the next batch in it while this one computes.
    /// </summary>
    public IReadOnlyDictionary<string, TensorData>[] Run(StagingSlot slot, int count, Action? onStagingConsumed)
    {
        var bucket = _buckets.Values.FirstOrDefault(b => b.Size >= count)
            ?? throw new InvalidOperationException($"batch of {count} exceeds the largest bucket {MaxBatchSize}");
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
        var outputs = Unpack(bucket, count);
        _metrics.RecordDownload(Stopwatch.GetElapsedTime(stageStarted));

        var transfers = new TransferCounts(Uploads: 1, Downloads: 1, bucket.InterStageHostCopies);
        lock (_buckets)
        {
            _lastTransfers = transfers;
        }

        _metrics.RecordExecution(count, transfers);
        return outputs;
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
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }

        _transfer.Dispose();
        _runOptions.Dispose();
    }

    private IReadOnlyDictionary<string, TensorData>[] Unpack(Bucket bucket, int count)
    {
        var results = new IReadOnlyDictionary<string, TensorData>[count];
        var indicesOutput = _plan.Labels is null ? -1 : IndexOf(_plan.Outputs, ClassificationPostprocessingStage.IndicesOutput);
        for (var row = 0; row < count; row++)
        {
            var tensors = new Dictionary<string, TensorData>(_plan.Outputs.Count + 1, StringComparer.Ordinal);
            for (var i = 0; i < _plan.Outputs.Count; i++)
            {
                tensors[_plan.Outputs[i]] = Slice(bucket.HostOutputs[i], bucket.OutputLayouts[i], row);
            }

            if (indicesOutput >= 0)
            {
                var indices = tensors[_plan.Outputs[indicesOutput]];
                tensors[ClassificationPostprocessingStage.LabelsOutput] = TensorData.Create(
                    TensorDataType.String, [.. indices.Shape], indices.AsSpan<long>().ToArray().Select(i => _plan.Labels![(int)i]).ToArray());
            }

            results[row] = tensors;
        }

        return results;
    }

    private static TensorData Slice(OrtValue host, (TensorDataType Type, long[] ItemShape) layout, int row)
    {
        var count = (int)TensorData.ElementCountOf(layout.ItemShape);
        var bytes = count * layout.Type.ElementSize();
        var data = Array.CreateInstance(layout.Type.ClrType(), count);
        host.GetTensorMutableRawData().Slice(row * bytes, bytes)
            .CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), bytes));
        return TensorData.Create(layout.Type, layout.ItemShape, data);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
