using System.Diagnostics.Metrics;
using PullWorker.Inference.Execution;

namespace PullWorker.Inference.Diagnostics;

/// <summary>
/// The engine's instruments on the meter <see cref="MeterName"/>. Names follow Triton's
/// (<c>nv_inference_*</c>) and Beam's (<c>RunInference</c>) metrics where one exists; the mapping is on each.
/// </summary>
public sealed class InferenceMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in OpenTelemetry or a <see cref="MeterListener"/>.</summary>
    public const string MeterName = "PullWorker.Inference";

    private readonly Meter _meter;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _computeInputDuration;
    private readonly Histogram<double> _computeInferDuration;
    private readonly Histogram<double> _computeOutputDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _inferences;
    private readonly Counter<long> _executions;
    private readonly Counter<long> _transfers;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _modelLoadDuration;
    private readonly Histogram<long> _modelSize;
    private Func<int> _pending = () => 0;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a standalone meter).</summary>
    public InferenceMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _queueDuration = _meter.CreateHistogram<double>(
            "inference.queue.duration", "s", "Time items waited before their batch started (Triton nv_inference_queue_duration_us).");
        _computeInputDuration = _meter.CreateHistogram<double>(
            "inference.compute_input.duration", "s", "Binding the batch inputs, which copies them to the device, per batch (Triton nv_inference_compute_input_duration_us).");
        _computeInferDuration = _meter.CreateHistogram<double>(
            "inference.compute_infer.duration", "s", "Run time per batch and stage (Triton nv_inference_compute_infer_duration_us; Beam inference_batch_latency_micro_secs).");
        _computeOutputDuration = _meter.CreateHistogram<double>(
            "inference.compute_output.duration", "s", "Time from the last stage to outputs ready in host memory, per batch; the device-to-host copy itself runs at the end of the stage producing each result (Triton nv_inference_compute_output_duration_us).");
        _batchSize = _meter.CreateHistogram<int>(
            "inference.batch.size", "{item}", "Real items per executed batch, padding excluded (Beam inference_request_batch_size).");
        _inferences = _meter.CreateCounter<long>(
            "inference.count", "{item}", "Items inferred successfully (Triton nv_inference_count; Beam num_inferences).");
        _executions = _meter.CreateCounter<long>(
            "inference.exec.count", "{batch}", "Batch executions, retries included (Triton nv_inference_exec_count).");
        _transfers = _meter.CreateCounter<long>(
            "inference.transfers", "{copy}", "Host/device copies per batch, measured from the tensors bound and copied, by direction: upload, download, inter_stage (round trips between stages) and in_stage (Memcpy nodes ONNX Runtime inserted); the last two should stay 0.");
        _failures = _meter.CreateCounter<long>(
            "inference.failures", "{item}", "Items that got no result, by reason (Triton nv_inference_request_failure).");
        _modelLoadDuration = _meter.CreateHistogram<double>(
            "inference.model.load.duration", "s", "Time to load each stage's model (Beam load_model_latency_milli_secs).");
        _modelSize = _meter.CreateHistogram<long>(
            "inference.model.size", "By", "Size of each stage's model (Beam model_byte_size).");
        _meter.CreateObservableGauge(
            "inference.pending", () => _pending(), "{item}", "Items queued, not yet in a batch (Triton nv_inference_pending_request_count).");
    }

    /// <summary>Failure reasons used as the <c>reason</c> tag.</summary>
    public static class FailureReasons
    {
        /// <summary>The item itself made the model fail (isolated by splitting the batch).</summary>
        public const string InferenceFailed = "inference_failed";

        /// <summary>The caller gave up before the item ran.</summary>
        public const string Canceled = "canceled";

        /// <summary>The device failed; not the item's fault.</summary>
        public const string Device = "device";

        /// <summary>The engine was stopped, and gave up waiting for the device, before the item ran.</summary>
        public const string Shutdown = "shutdown";
    }

    internal Meter Meter => _meter;

    internal void ObservePending(Func<int> pending) => _pending = pending;

    internal void RecordQueueTime(TimeSpan waited) => _queueDuration.Record(waited.TotalSeconds);

    internal void RecordUpload(TimeSpan elapsed) => _computeInputDuration.Record(elapsed.TotalSeconds);

    internal void RecordStage(string stage, TimeSpan elapsed) =>
        _computeInferDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    internal void RecordDownload(TimeSpan elapsed) => _computeOutputDuration.Record(elapsed.TotalSeconds);

    internal void RecordExecution(int items, TransferCounts transfers)
    {
        _executions.Add(1);
        _batchSize.Record(items);
        _transfers.Add(transfers.Uploads, new KeyValuePair<string, object?>("direction", "upload"));
        _transfers.Add(transfers.Downloads, new KeyValuePair<string, object?>("direction", "download"));
        _transfers.Add(transfers.InterStageHostCopies, new KeyValuePair<string, object?>("direction", "inter_stage"));
        _transfers.Add(transfers.InStageCopies, new KeyValuePair<string, object?>("direction", "in_stage"));
    }

    internal void RecordSuccesses(int items) => _inferences.Add(items);

    internal void RecordFailure(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void RecordModelLoad(ModelFile model)
    {
        var tag = new KeyValuePair<string, object?>("model", model.Name);
        _modelLoadDuration.Record(model.LoadTime.TotalSeconds, tag);
        _modelSize.Record(model.SizeBytes, tag);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
